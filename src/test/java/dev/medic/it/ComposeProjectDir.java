package dev.medic.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A compose project that a test brings up from a directory of its own ({@link ComposeApp}, {@link SeedStack}): runs
 * docker-compose in that directory under the project's name, and removes the project with every container that still
 * carries its label and with the directory, so that a test that failed half-way leaves nothing the next one trips on.
 * Immutable; each call runs a command.
 */
record ComposeProjectDir(String project, Path dir) {
    Cli.Result compose(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker-compose", "-p", project));
        cmd.addAll(List.of(args));
        return Cli.run(dir, cmd);
    }

    /** The id of the service's container (the one compose knows now). */
    String containerId(String service) {
        return compose("ps", "-q", service).orFail().output().strip();
    }

    /**
     * {@code docker-compose down --remove-orphans} with {@code downOptions}, then {@code docker rm -f} of any
     * container compose left with the project's label (one it no longer knows of), then the directory. With
     * {@code volumes}, down removes the project's volumes and rm the containers' anonymous ones ({@code -v}).
     * Exit codes are not checked: what could not be removed is left for the next test's clean-up.
     */
    void removeWithContainers(boolean volumes, String... downOptions) {
        List<String> down = new ArrayList<>(List.of("down"));
        if (volumes) {
            down.add("-v");
        }
        down.add("--remove-orphans");
        down.addAll(List.of(downOptions));
        compose(down.toArray(String[]::new));
        String leftovers = Cli.run("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project)
                .output();
        for (String id : leftovers.split("\\s+")) {
            if (!id.isBlank()) {
                Cli.run(null, volumes ? List.of("docker", "rm", "-f", "-v", id) : List.of("docker", "rm", "-f", id));
            }
        }
        Cli.run("rm", "-rf", dir.toString());
    }
}
