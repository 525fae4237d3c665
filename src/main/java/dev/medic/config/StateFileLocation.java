package dev.medic.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the state file may live. medic replaces the file on every change and moves an unreadable one
 * aside, so a state-file pointed at {@code /etc/passwd} would move the password file away. It must be
 * under medic's state directory ({@code /var/lib/medic}, or systemd's {@code $STATE_DIRECTORY}), or
 * under a directory owned by the user medic runs as that is not a system directory; an existing file
 * there must be a regular file that looks like medic's JSON. Stateless and thread-safe.
 */
final class StateFileLocation {
    static final Path DEFAULT_STATE_DIRECTORY = Path.of("/var/lib/medic");
    /**
     * Trees whose files belong to the system, whoever runs medic: root owns them all, so ownership alone
     * would let a root medic's state file land in {@code /etc/cron.d}.
     */
    private static final Set<Path> SYSTEM_TREES = Set.of(Path.of("/etc"), Path.of("/usr"), Path.of("/bin"),
            Path.of("/sbin"), Path.of("/lib"), Path.of("/lib32"), Path.of("/lib64"), Path.of("/libx32"),
            Path.of("/boot"), Path.of("/dev"), Path.of("/proc"), Path.of("/sys"), Path.of("/var/lib"),
            Path.of("/var/log"), Path.of("/var/spool"), Path.of("/var/mail"), Path.of("/root/.ssh"));
    /** Directories whose own entries are the system's, though their subdirectories may be anyone's. */
    private static final Set<Path> SYSTEM_DIRECTORIES = Set.of(Path.of("/"), Path.of("/run"), Path.of("/var"),
            Path.of("/root"), Path.of("/home"), Path.of("/opt"), Path.of("/srv"), Path.of("/tmp"));

    private StateFileLocation() {
    }

    /** Why {@code file} cannot be medic's state file, or empty when it can. */
    static Optional<String> problem(Path file) {
        if (!file.isAbsolute()) {
            return Optional.of("must be an absolute path, got \"" + file + "\"");
        }
        Path normal = file.normalize();
        Optional<String> existing = existingFileProblem(normal);
        if (existing.isPresent()) {
            return existing;
        }
        if (stateDirectories().stream().anyMatch(dir -> normal.startsWith(dir) && !normal.equals(dir))) {
            return Optional.empty();
        }
        Path parent = normal.getParent();
        Optional<Path> system = SYSTEM_TREES.stream().filter(normal::startsWith).findFirst()
                .or(() -> Optional.ofNullable(parent).filter(SYSTEM_DIRECTORIES::contains));
        if (system.isPresent()) {
            return Optional.of("\"" + file + "\" is in the system directory " + system.get() + "; use a directory of "
                    + "medic's own, such as " + DEFAULT_STATE_DIRECTORY + "/state.json");
        }
        for (Path dir = parent; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return ownedByMe(dir) ? Optional.empty() : Optional.of("\"" + file + "\" is not under "
                        + DEFAULT_STATE_DIRECTORY + " or a directory owned by " + System.getProperty("user.name")
                        + " (" + dir + " is not)");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> existingFileProblem(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("\"" + file + "\" exists and is not a regular file");
        }
        try (var in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(256), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!head.isEmpty() && !head.startsWith("{")) {
                return Optional.of("\"" + file + "\" exists and is not a medic state file (JSON); medic would "
                        + "replace it");
            }
        } catch (IOException e) {
            // Unreadable now: the state store reports it when it tries, and never moves what it cannot read.
        }
        return Optional.empty();
    }

    private static List<Path> stateDirectories() {
        List<Path> dirs = new ArrayList<>(List.of(DEFAULT_STATE_DIRECTORY));
        String systemd = System.getenv("STATE_DIRECTORY");
        if (systemd != null) {
            for (String d : systemd.split(":")) {
                if (!d.isBlank() && Path.of(d).isAbsolute()) {
                    dirs.add(Path.of(d).normalize());
                }
            }
        }
        return dirs;
    }

    private static boolean ownedByMe(Path dir) {
        try {
            UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
            return owner.getName().equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
