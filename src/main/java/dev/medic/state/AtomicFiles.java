package dev.medic.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a file so that a crash at any moment leaves either the old content or the new, never a torn
 * one: to a temporary file in the same directory, fsync'd, renamed over the old one, and the directory
 * fsync'd. Stateless and thread-safe for distinct files.
 *
 * <p>What medic writes (targets' state, open incidents, spooled notifications with their evidence) is
 * for medic alone: the file is created owner-only (0600) and a directory medic has to create 0700, at
 * creation and whatever the caller's umask, so that a {@code medic run} started by hand outside systemd
 * ({@code UMask=0077}) leaves nothing readable by others, not even for the instant a chmod would come late.
 */
public final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private AtomicFiles() {
    }

    /** Replaces {@code file} with {@code bytes} in a new owner-only file, creating its directory (0700) if needed. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, bytes, OWNER_ONLY_FILE);
    }

    /**
     * As {@link #write(Path, byte[])}, the new file created with {@code permissions} instead: for the few files
     * medic writes for another reader (the polkit list, which polkitd reads).
     */
    public static void write(Path file, byte[] bytes, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, mode(posix, OWNER_ONLY_DIRECTORY));
        }
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        // Whatever has the temporary name (a crash's leftover, with the permissions of its day, or a link planted
        // there) goes; the file is then made new, so that its mode is the one given here and no link is followed.
        Files.deleteIfExists(tmp);
        try {
            try (FileChannel out = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), mode(posix, permissions))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            if (posix) {
                // The umask may have taken bits away that another reader needs (systemd's UMask=0077 holds for
                // its ExecStartPre=+ too); bits only ever come back up to what was asked for.
                Files.setPosixFilePermissions(tmp, permissions);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** The permissions to create with, where the filesystem has any (the umask can only take bits away). */
    private static FileAttribute<?>[] mode(boolean posix, Set<PosixFilePermission> permissions) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    private static void syncDirectory(Path dir) {
        // The rename is durable only once the directory entry is; not every filesystem lets a directory be opened.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync {}: {}", dir, e.toString());
        }
    }
}
