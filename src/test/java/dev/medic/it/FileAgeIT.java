package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-age probe in a running medic on the real dockerd: a watch-only target only reports a stale
 * marker, and a container target with a ladder of its own (a Celery beat whose schedule file stopped
 * moving) is restarted for it and is healthy again once the file moves.
 */
class FileAgeIT {
    @TempDir
    Path dir;

    @Test
    void aStaleFileAlertsOnAWatchOnlyTargetAndRestartsAContainerWhoseTargetAsksForIt() throws Exception {
        String name = "medic-it-" + UUID.randomUUID().toString().substring(0, 8) + "-beat";
        DockerFixture.requireDockerAndImage();
        Path backups = Files.createDirectories(dir.resolve("backups"));
        Path dump = Files.writeString(backups.resolve("db-1.sql.gz"), "x");
        Path schedule = Files.writeString(dir.resolve("celerybeat-schedule"), "x");
        DockerFixture.runSleeper(name);
        try {
            int port = DockerFixture.freePort();
            Path config = dir.resolve("medic.conf");
            Files.writeString(config, MedicProcess.config(port, dir.resolve("state.json"), """
                    interval = 2s
                    retry-interval = 1s
                    timeout = 1s
                    start-period = 0s
                    failure-threshold = 2
                    backoff.initial = 0s
                    docker.stop-timeout = 1s
                    targets.backups { file-age { path = "%s/*.sql.gz", max-age = 1h } }
                    targets.beat {
                      container = "%s"
                      file-age { path = "%s", max-age = 1h }
                      escalation = [ { action = restart-container, attempts = 3 } ]
                    }
                    """.formatted(backups, name, schedule)));
            try (MedicProcess medic = MedicProcess.start(config, port, dir.resolve("medic.log"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> medic.targetOrNull("beat") != null
                        && medic.target("beat").get("phase").asText().equals("HEALTHY")
                        && medic.target("backups").get("phase").asText().equals("HEALTHY"));
                String before = DockerFixture.startedAt(name);

                FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
                Files.setLastModifiedTime(dump, twoHoursAgo);
                Files.setLastModifiedTime(schedule, twoHoursAgo);

                await().atMost(Duration.ofSeconds(30)).until(() -> !DockerFixture.startedAt(name).equals(before));
                await().atMost(Duration.ofSeconds(30)).until(() -> medic.lines().stream()
                        .anyMatch(l -> l.contains("event=check_failed target=backups")));
                String failed = medic.lines().stream().filter(l -> l.contains("event=check_failed target=backups"))
                        .findFirst().orElseThrow();
                assertTrue(failed.contains("newest " + dump) && failed.contains("old (max 1h)"), failed);
                assertTrue(medic.lines().stream().anyMatch(l -> l.contains("event=heal_finished target=beat")
                        && l.contains("action=restart-container") && l.contains("outcome=ok")));
                assertTrue(medic.lines().stream().noneMatch(l -> l.contains("event=heal_started target=backups")),
                        "a watch-only target is never healed");

                Files.setLastModifiedTime(schedule, FileTime.from(Instant.now()));
                Files.setLastModifiedTime(dump, FileTime.from(Instant.now()));
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        medic.target("beat").get("phase").asText().equals("HEALTHY")
                                && medic.target("backups").get("phase").asText().equals("HEALTHY"));
            }
        } finally {
            Cli.run("docker", "rm", "-f", name);
        }
    }
}
