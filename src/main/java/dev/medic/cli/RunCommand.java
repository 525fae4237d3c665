package dev.medic.cli;

import dev.medic.config.ConfigProblem;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.event.JournalSink;
import dev.medic.state.StateStore;
import dev.medic.systemd.SdNotifier;
import dev.medic.systemd.ServiceStatusReporter;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

/**
 * {@code medic run}: the daemon in the foreground. SIGHUP reloads the configuration (a rejected one
 * leaves the running one in place); SIGTERM and SIGINT stop it with exit 0. Under systemd it speaks
 * sd_notify: READY once the workers run, RELOADING/READY around a reload, STOPPING, STATUS, and the
 * watchdog pings from the engine's heartbeat.
 */
@Command(name = "run", description = "Run the watchdog in the foreground (SIGHUP reloads the configuration).")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<Daemon> running = new AtomicReference<>();
    private final SdNotifier notifier = SdNotifier.fromEnvironment(System.getenv(), ProcessHandle.current().pid());

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        ExecutorService reloads = Executors.newSingleThreadExecutor(Daemon.daemonThreads("medic-reload"));
        // Installed before anything else: the JVM's own SIGHUP handler would exit, and a reload must never kill medic.
        Signal.handle(new Signal("HUP"), s -> {
            try {
                reloads.execute(this::reload);
            } catch (RejectedExecutionException e) {
                LOG.debug("reload requested while stopping; ignored");
            }
        });
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());

        MedicConfig loaded;
        try {
            loaded = config.load();
        } catch (ConfigRejectedException e) {
            reject(new JournalSink()::publish, e, "start");
            return Main.EXIT_CONFIG;
        }
        StateStore store = loaded.stateFile().map(StateStore::at).orElseGet(StateStore::inMemory);
        try (notifier; Daemon daemon = new Daemon(loaded, clock, List.of(), store)) {
            daemon.events().publish(MedicEvent.of(EventType.CONFIG_LOADED, null, Daemon.configFields(loaded),
                    "configuration loaded", clock.instant()));
            daemon.engine().addHeartbeatListener(new ServiceStatusReporter(notifier, clock));
            try {
                daemon.start();
            } catch (IOException e) {
                // The message names the key and the address (a taken port, an address not on this machine).
                LOG.error("{}; medic does not start", e.getMessage());
                return Main.EXIT_UNHEALTHY;
            }
            running.set(daemon);
            notifier.ready(ServiceStatusReporter.statusLine(daemon.engine().snapshot()));
            stop.await();
            running.set(null);
            reloads.shutdownNow();
            notifier.stopping();
        }
        return Main.EXIT_OK;
    }

    /** Loads the configuration files again and applies them, or logs why not and keeps the running one. */
    private void reload() {
        Daemon daemon = running.get();
        if (daemon == null) {
            LOG.info("reload requested before medic finished starting; it runs on the configuration just loaded");
            return;
        }
        notifier.reloading();
        try {
            daemon.reload(config.load());
        } catch (ConfigRejectedException e) {
            reject(daemon.events()::publish, e, "reload");
        } catch (RuntimeException e) {
            LOG.error("reload failed inside medic; the running configuration stays", e);
        } finally {
            notifier.ready(ServiceStatusReporter.statusLine(daemon.engine().snapshot()));
        }
    }

    /** One {@code config_rejected} line (priority err) per problem, so that every problem is listed. */
    private void reject(Consumer<MedicEvent> sink, ConfigRejectedException e, String during) {
        String outcome = during.equals("start") ? "medic does not start" : "medic keeps the running configuration";
        for (ConfigProblem p : e.problems()) {
            sink.accept(MedicEvent.of(EventType.CONFIG_REJECTED, null,
                    MedicEvent.fields("during", during, "problems", Integer.toString(e.problems().size())),
                    p + " (" + outcome + ")", clock.instant()));
        }
    }
}
