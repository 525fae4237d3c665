package dev.medic.cli;

import dev.medic.process.BoundedProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link ServiceUser} worked out by root from the mode bits along each path, for the user's uid and groups:
 * search on every directory on the way, then read on a file or search on a directory. When the bits say no,
 * the kernel is asked too ({@code runuser -u USER -- test -r PATH}), so that an ACL that lets the user in is
 * not reported as a refusal. Paths are resolved (symbolic links followed) before the walk, as the kernel does.
 */
final class PosixServiceUser implements ServiceUser {
    private static final Duration ASK_LIMIT = Duration.ofSeconds(5);

    /** Asks the kernel whether the user may read a file ({@code directory} false) or enter a directory. */
    interface KernelCheck {
        boolean allows(String user, Path path, boolean directory);
    }

    private final String name;
    private final int uid;
    private final Set<Integer> gids;
    private final Function<Path, Optional<FileStat>> stat;
    private final Function<Path, Optional<Path>> realPath;
    private final KernelCheck kernel;

    PosixServiceUser(String name, int uid, Set<Integer> gids, Function<Path, Optional<FileStat>> stat,
                     Function<Path, Optional<Path>> realPath, KernelCheck kernel) {
        this.name = name;
        this.uid = uid;
        this.gids = Set.copyOf(gids);
        this.stat = stat;
        this.realPath = realPath;
        this.kernel = kernel;
    }

    /**
     * The service's user {@code user} as this host knows it (uid and groups from the user database), with the
     * unit's extra {@code groups} (names or numbers); empty when the user does not exist.
     */
    static Optional<PosixServiceUser> lookUp(String user, List<String> groups) {
        Optional<String> passwd = getent("passwd", user);
        if (passwd.isEmpty()) {
            return Optional.empty();
        }
        String[] p = passwd.get().split(":");
        if (p.length < 4 || !p[2].matches("\\d+") || !p[3].matches("\\d+")) {
            return Optional.empty();
        }
        Set<Integer> gids = new LinkedHashSet<>();
        gids.add(Integer.parseInt(p[3]));
        BoundedProcess.Result id = BoundedProcess.run(List.of("id", "-G", "--", user), Path.of("/"), Map.of(),
                ASK_LIMIT);
        if (id.ok()) {
            for (String g : id.output().strip().split("\\s+")) {
                if (g.matches("\\d+")) {
                    gids.add(Integer.parseInt(g));
                }
            }
        }
        for (String g : groups) {
            gid(g).ifPresent(gids::add);
        }
        return Optional.of(new PosixServiceUser(p[0], Integer.parseInt(p[2]), gids, FileStat::of,
                PosixServiceUser::realPathOf, PosixServiceUser::runuserTest));
    }

    /** A group's id from its name or number; empty when the host has no such group. */
    static Optional<Integer> gid(String group) {
        if (group.matches("\\d+")) {
            return Optional.of(Integer.parseInt(group));
        }
        return getent("group", group).map(line -> line.split(":")).filter(f -> f.length >= 3 && f[2].matches("\\d+"))
                .map(f -> Integer.parseInt(f[2]));
    }

    private static Optional<String> getent(String database, String key) {
        if (key.isBlank() || key.startsWith("-")) {
            return Optional.empty();
        }
        BoundedProcess.Result r = BoundedProcess.run(List.of("getent", database, key), Path.of("/"), Map.of(),
                ASK_LIMIT);
        return r.ok() ? r.output().lines().findFirst().map(String::strip).filter(s -> !s.isEmpty()) : Optional.empty();
    }

    private static Optional<Path> realPathOf(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean runuserTest(String user, Path path, boolean directory) {
        BoundedProcess.Result r = BoundedProcess.run(List.of("runuser", "-u", user, "--", "test",
                directory ? "-x" : "-r", path.toString()), Path.of("/"), Map.of(), ASK_LIMIT);
        return r.ok();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int uid() {
        return uid;
    }

    @Override
    public Set<Integer> gids() {
        return gids;
    }

    @Override
    public Access access(Path path) {
        Optional<Path> real = realPath.apply(path.toAbsolutePath().normalize());
        Optional<FileStat> target = real.flatMap(stat);
        if (target.isEmpty()) {
            return new Missing();
        }
        Path file = real.get();
        boolean directory = target.get().directory();
        Path at = file.getRoot();
        for (int i = 0; i <= file.getNameCount(); i++) {
            if (i > 0) {
                at = at.resolve(file.getName(i - 1));
            }
            Optional<FileStat> s = i == file.getNameCount() ? target : stat.apply(at);
            if (s.isEmpty()) {
                return new Missing();
            }
            boolean last = i == file.getNameCount();
            int wanted = !last || directory ? FileStat.SEARCH : FileStat.READ;
            if (!s.get().allows(uid, gids, wanted)) {
                // The bits say no; an ACL may still say yes, and the kernel knows.
                return kernel.allows(name, file, directory) ? new Granted() : new Denied(s.get().octal() + " " + at);
            }
        }
        return new Granted();
    }
}
