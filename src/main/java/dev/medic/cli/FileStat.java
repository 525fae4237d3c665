package dev.medic.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who owns a path and its mode, as {@code stat} tells root: enough for {@code medic doctor} to work out what
 * another user may do with it, by the owner, group and other bits (ACLs aside). Immutable.
 *
 * @param mode the permission bits and the set-id and sticky bits ({@code 07777})
 */
record FileStat(int uid, int gid, int mode, boolean directory, boolean symbolicLink) {
    static final int READ = 4;
    static final int WRITE = 2;
    static final int SEARCH = 1;

    /** The path's own status, a symbolic link's not followed; empty when it does not exist or cannot be read. */
    static Optional<FileStat> of(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode,isDirectory,isSymbolicLink",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode") & 07777;
            return Optional.of(new FileStat((Integer) a.get("uid"), (Integer) a.get("gid"), mode,
                    (Boolean) a.get("isDirectory"), (Boolean) a.get("isSymbolicLink")));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a process of {@code uid} in {@code gids} may do all of {@code wanted} ({@link #READ}, {@link #WRITE},
     * {@link #SEARCH}, or'ed) by the mode bits alone, as the kernel picks them: the owner's bits for the owner,
     * else the group's for a member of the file's group, else the others'. Root may do anything.
     */
    boolean allows(int uid, Set<Integer> gids, int wanted) {
        if (uid == 0) {
            return true;
        }
        int bits = uid == this.uid ? mode >> 6 : gids.contains(gid) ? mode >> 3 : mode;
        return (bits & wanted) == wanted;
    }

    /** Whether anyone but root could change it: not owned by root, or writable by its group or by others. */
    boolean writableByOthersThanRoot() {
        return uid != 0 || (mode & 022) != 0;
    }

    /** {@code p} with this status, as doctor's lines name a path someone else could change. */
    String describe(Path p) {
        return p + (symbolicLink ? " (a symbolic link)" : " (owner uid " + uid + ", mode " + octal() + ")");
    }

    /** The mode as {@code ls -l} people write it in chmod: {@code 0700}. */
    String octal() {
        return String.format("%04o", mode);
    }
}
