package dev.medic.cli;

import dev.medic.config.ConfigProblem;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.event.JournalSink;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

/** {@code medic run}: the daemon in the foreground until SIGTERM or SIGINT, then exit 0. */
@Command(name = "run", description = "Run the watchdog in the foreground.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        Clock clock = Clock.systemUTC();
        JournalSink journal = new JournalSink();
        MedicConfig loaded;
        try {
            loaded = config.load();
        } catch (ConfigRejectedException e) {
            for (ConfigProblem p : e.problems()) {
                journal.publish(MedicEvent.of(EventType.CONFIG_REJECTED, null, Map.of(), p.toString(), clock.instant()));
            }
            return Main.EXIT_CONFIG;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try (Daemon daemon = new Daemon(loaded, clock, List.of())) {
            daemon.events().publish(MedicEvent.of(EventType.CONFIG_LOADED, null,
                    MedicEvent.fields("targets", Integer.toString(loaded.targets().size()),
                            "files", loaded.sources().isEmpty() ? "(embedded defaults)" : String.join(",", loaded.sources())),
                    "configuration loaded", clock.instant()));
            try {
                daemon.start();
            } catch (IOException e) {
                log.error("cannot start the local API on {}: {}", loaded.apiListen().map(Object::toString).orElse("-"),
                        e.getMessage());
                return Main.EXIT_UNHEALTHY;
            }
            stop.await();
        }
        return Main.EXIT_OK;
    }
}
