package dev.medic.cli;

import java.nio.file.Path;
import java.util.Set;

/**
 * The user medic's service runs as, as {@code medic doctor} (run by root) sees it: what it may read on the
 * host's file system by its uid and groups alone, without capabilities (the audit adds those of the unit).
 * Tests pass a fake.
 */
interface ServiceUser {
    /** The user's name, e.g. "medic". */
    String name();

    int uid();

    /** Every group the service runs with: the user's, and the unit's Group= and SupplementaryGroups=. */
    Set<Integer> gids();

    /**
     * Whether the user may read {@code path} (a file) or enter it (a directory, as compose's chdir does), every
     * directory above it included.
     */
    Access access(Path path);

    /** What {@link #access} found. */
    sealed interface Access permits Granted, Missing, Denied {
    }

    /** The user may read the file or enter the directory. */
    record Granted() implements Access {
    }

    /** There is nothing at that path (root cannot find it either). */
    record Missing() implements Access {
    }

    /**
     * The kernel would refuse it.
     *
     * @param where the first path on the way that refuses it, with its mode: {@code 0700 /home/alice}
     */
    record Denied(String where) implements Access {
    }
}
