package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reload reports: the targets it changed, and the settings that wait for a restart. */
class DaemonReloadTest {
    @TempDir
    Path dir;

    private MedicConfig config(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "medic {\n  api.listen = \"\"\n  discovery.enabled = false\n" + body + "\n}\n");
        return ConfigLoader.load(List.of(file));
    }

    @Test
    void aReloadLogsWhatChangedAndNamesTheSettingsThatNeedARestart() throws Exception {
        List<MedicEvent> events = new CopyOnWriteArrayList<>();
        MedicConfig first = config("a.conf", "targets.site { http { url = \"http://127.0.0.1:1/\" } }");
        try (Daemon daemon = new Daemon(first, Clock.systemUTC(), List.of(events::add))) {
            daemon.reload(config("b.conf", """
                    compose.timeout = 1m
                    targets.site { http { url = "http://127.0.0.1:1/" } }
                    targets.other { http { url = "http://127.0.0.1:2/" } }
                    """));

            MedicEvent loaded = events.stream().filter(e -> e.type() == EventType.CONFIG_LOADED).findFirst()
                    .orElseThrow();
            assertEquals("2", loaded.fields().get("targets"));
            assertEquals("other", loaded.fields().get("added"));
            assertEquals("1", loaded.fields().get("kept"));
            assertEquals("compose", loaded.fields().get("restart-needed"));
            assertEquals("configuration reloaded; changes to compose take effect when medic restarts",
                    loaded.message());

            events.clear();
            daemon.reload(config("c.conf", """
                    compose.timeout = 1m
                    targets.other { http { url = "http://127.0.0.1:2/" } }
                    """));
            MedicEvent second = events.get(0);
            assertEquals("site", second.fields().get("removed"));
            assertEquals("compose", second.fields().get("restart-needed"),
                    "compared with the settings medic started with, which are still in effect");

            events.clear();
            daemon.reload(config("d.conf", "targets.other { http { url = \"http://127.0.0.1:2/\" } }"));
            assertFalse(events.get(0).fields().containsKey("restart-needed"), "back to the running settings");
        }
    }
}
