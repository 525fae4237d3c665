package dev.medic.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a file that holds a secret (a token, a password, a webhook URL). Such a path is config input,
 * so it is bounded like any other: only a regular file (after symlinks) is opened, so a FIFO cannot hang
 * medic and a device such as {@code /dev/zero} cannot fill its heap, and at most {@link #MAX_BYTES} are
 * read. Stateless and thread-safe.
 */
public final class SecretFiles {
    /** The largest secret file medic reads: 64 KB is far more than any token, password or header list. */
    public static final int MAX_BYTES = 64 * 1024;

    /** Why a secret file could not be read, in words for a config problem or a probe's detail. */
    public static final class UnreadableSecretException extends IOException {
        public UnreadableSecretException(String message) {
            super(message);
        }
    }

    private SecretFiles() {
    }

    /** The file's text, stripped of surrounding whitespace; never the value in an exception's message. */
    public static String read(Path path) throws UnreadableSecretException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new UnreadableSecretException("cannot read " + path + " (no such file)");
        } catch (IOException | SecurityException e) {
            throw new UnreadableSecretException("cannot read " + path + " (permission denied)");
        }
        if (!attributes.isRegularFile()) {
            throw new UnreadableSecretException(path + " is not a regular file"
                    + (attributes.isDirectory() ? " (a directory)" : " (a device, FIFO or socket)"));
        }
        if (attributes.size() > MAX_BYTES) {
            throw new UnreadableSecretException(path + " is larger than " + MAX_BYTES / 1024 + " KB");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            // The size can change between the check and the read: read one byte past the limit to notice.
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException | SecurityException e) {
            throw new UnreadableSecretException("cannot read " + path + " (permission denied)");
        }
        if (bytes.length > MAX_BYTES) {
            throw new UnreadableSecretException(path + " is larger than " + MAX_BYTES / 1024 + " KB");
        }
        return new String(bytes, StandardCharsets.UTF_8).strip();
    }
}
