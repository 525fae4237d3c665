package dev.medic.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The real Docker engine the integration tests heal against, and the tiny test image made with
 * {@code docker import} from busybox-static (no registry is reachable) by {@code scripts/lib.sh}.
 * Fails loudly when Docker is missing: these tests never skip.
 */
final class DockerFixture {
    static final String IMAGE = "medic-it-busybox:1";

    private DockerFixture() {
    }

    /** Asserts a Docker engine answers and builds the test image if it is missing. */
    static synchronized void requireDockerAndImage() {
        Cli.Result version = Cli.run("docker", "version", "--format", "{{.Server.Version}}");
        if (version.exitCode() != 0) {
            throw new AssertionError("the integration tests need a running Docker engine (scripts/test starts one): "
                    + version.output());
        }
        // One recipe for the image, shared with scripts/demo.
        Cli.run("bash", "-c", ". scripts/lib.sh && ensure_busybox_image \"$0\"", IMAGE).orFail();
    }

    /** A free TCP port on 127.0.0.1. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Starts a container named {@code name} from the test image that only sleeps (host networking, no restart
     * policy, no ports): a container target with nothing to probe. busybox's sleep as PID 1 ignores SIGTERM, so a
     * {@code docker stop} of it waits out its grace.
     */
    static void runSleeper(String name) {
        Cli.run("docker", "run", "-d", "--name", name, "--network", "host", IMAGE, "sleep", "100000").orFail();
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
