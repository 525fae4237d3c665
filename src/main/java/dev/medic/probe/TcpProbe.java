package dev.medic.probe;

import dev.medic.config.TcpProbeSpec;
import dev.medic.core.CheckResult;
import java.io.IOException;
import java.net.Socket;

/** {@code tcp = "HOST:PORT"}: passes when a connection is accepted within the timeout. Thread-safe. */
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
        long start = System.nanoTime();
        try (Socket ignored = Sockets.connect(spec.address(), spec.timeout(), start)) {
            return CheckResult.pass("tcp " + spec.address() + " connected in " + Sockets.elapsedMs(start) + " ms");
        } catch (IOException e) {
            return CheckResult.fail("tcp " + spec.address() + ": " + Sockets.describe(e, spec.timeout()));
        }
    }
}
