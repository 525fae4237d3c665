package dev.medic.api;

import dev.medic.event.HistoryLog;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The child JVM of {@link HistoryUnderPackagedHeapTest}: an API server on the history in {@code args[0]},
 * under whatever heap the test gives it. Prints {@code port=N} once listening and stops when its stdin closes.
 */
public final class HistoryServerMain {
    private HistoryServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        HistoryLog history = new HistoryLog(Optional.of(HistoryLog.fileIn(dir)), HistoryLog.DEFAULT_MAX_BYTES);
        try (ApiFixture f = ApiFixture.start(dir.resolve("conf"), history)) {
            System.out.println("port=" + f.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // the test closes stdin to stop this process
            }
        }
    }
}
