package dev.medic.probe;

import dev.medic.config.TcpProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.net.Deadline;
import java.io.IOException;
import java.net.Socket;

/**
 * {@code tcp = "HOST:PORT"}: passes when a connection is accepted within the timeout. It sends and reads
 * nothing, so only the connect can be held up, and that ends at the timeout. Thread-safe.
 */
public final class TcpProbe implements Probe<TcpProbeSpec> {
    @Override
    public String kind() {
        return "tcp";
    }

    @Override
    public Class<TcpProbeSpec> specType() {
        return TcpProbeSpec.class;
    }

    @Override
    public CheckResult check(TcpProbeSpec spec) {
        try (Deadline deadline = Deadline.start(spec.timeout())) {
            try (Socket ignored = Sockets.connect(spec.address(), deadline)) {
                return CheckResult.pass("tcp " + spec.address() + " connected in " + deadline.elapsedMillis() + " ms");
            } catch (IOException e) {
                return CheckResult.fail("tcp " + spec.address() + ": " + Sockets.describe(e, deadline));
            }
        }
    }
}
