package dev.medic.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real Docker engine the integration tests heal against, and the tiny test image made with
 * {@code docker import} from busybox-static (no registry is reachable). Fails loudly when Docker is
 * missing: these tests never skip.
 */
final class DockerFixture {
    static final String IMAGE = "medic-it-busybox:1";
    private static final List<String> APPLETS = List.of("sh", "httpd", "sleep", "cat", "echo", "test", "touch", "rm",
            "kill", "false", "true", "ls", "mkdir", "printf", "wget", "[");

    private DockerFixture() {
    }

    /** Asserts a Docker engine answers and builds the test image if it is missing. */
    static synchronized void requireDockerAndImage() {
        Cli.Result version = Cli.run("docker", "version", "--format", "{{.Server.Version}}");
        if (version.exitCode() != 0) {
            throw new AssertionError("the integration tests need a running Docker engine (scripts/test starts one): "
                    + version.output());
        }
        if (Cli.run("docker", "image", "inspect", IMAGE).exitCode() == 0) {
            return;
        }
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new AssertionError("busybox-static is needed at /bin/busybox to build the test image");
        }
        try {
            Path root = Files.createTempDirectory("medic-it-rootfs");
            Files.createDirectories(root.resolve("bin"));
            Files.createDirectories(root.resolve("tmp"));
            Files.createDirectories(root.resolve("www"));
            Files.copy(busybox, root.resolve("bin/busybox"));
            for (String applet : APPLETS) {
                Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
            }
            Path tar = root.resolveSibling(root.getFileName() + ".tar");
            Cli.run("tar", "-C", root.toString(), "-cf", tar.toString(), ".").orFail();
            Cli.run("docker", "import", tar.toString(), IMAGE).orFail();
            Cli.run("rm", "-rf", root.toString(), tar.toString());
        } catch (IOException e) {
            throw new AssertionError("could not build the test image: " + e.getMessage(), e);
        }
    }

    /** A free TCP port on 127.0.0.1. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String inspect(String container, String format) {
        return Cli.run("docker", "inspect", "--format", format, container).orFail().output();
    }

    static String startedAt(String container) {
        return inspect(container, "{{.State.StartedAt}}");
    }

    static boolean running(String container) {
        Cli.Result r = Cli.run("docker", "inspect", "--format", "{{.State.Running}}", container);
        return r.exitCode() == 0 && r.output().equals("true");
    }
}
