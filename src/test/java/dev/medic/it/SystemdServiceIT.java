package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * medic as an operator runs it: the .deb installed with apt into a Debian booted with systemd (see
 * {@link BootedDebian}), managed with systemctl and read with journalctl, healing a container of the
 * host's real dockerd. The tests run in order on one booted system, like an operator's day: install,
 * a crash healed, reloads, medic itself killed and wedged, an upgrade, stop, remove and purge, then the
 * same service from scripts/install.sh and scripts/uninstall.sh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemdServiceIT {
    private static final Path DEB = Path.of("target/medic_" + version() + "_all.deb");
    private static final String PREFIX = "medic-e2e-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String VICTIM = PREFIX + "-victim";
    private static final int API_PORT = DockerFixture.freePort();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BootedDebian debian;

    private static String version() {
        try (var in = SystemdServiceIT.class.getResourceAsStream("/dev/medic/version.properties")) {
            var p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeAll
    static void bootAndStartAVictim() throws Exception {
        assertTrue(Files.exists(DEB), DEB + " is built by mvn package before the integration tests");
        DockerFixture.requireDockerAndImage();
        Cli.run("docker", "run", "-d", "--name", VICTIM, "--network", "host", "--label", "medic.test=" + PREFIX,
                DockerFixture.IMAGE, "sleep", "100000").orFail();
        debian = BootedDebian.boot(Path.of("target/e2e"));
        // As on a Docker host: group docker owns the socket (the container shares the host's ids).
        String socketGid = Cli.run("stat", "-c", "%g", "/var/run/docker.sock").orFail().output();
        debian.run("groupadd", "--gid", socketGid, "docker").orFail();
        Files.copy(DEB, debian.root().resolve("root/medic.deb"));
        Files.writeString(debian.root().resolve("etc/medic-e2e.conf"), """
                medic {
                  interval = 2s
                  retry-interval = 1s
                  timeout = 1s
                  start-period = 2s
                  docker.stop-timeout = 1s
                  discovery.enabled = false
                  api.listen = "127.0.0.1:%d"
                  targets.victim { container = "%s" }
                }
                """.formatted(API_PORT, VICTIM));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            if (debian != null) {
                debian.close();
            }
        } finally {
            Cli.run("docker", "rm", "-f", VICTIM);
        }
    }

    private static String show(String property) {
        return debian.run("systemctl", "show", "-p", property, "--value", "medic").orFail().output();
    }

    private static String journal(String priorities) {
        return debian.run("journalctl", "-u", "medic", "-p", priorities, "--no-pager", "-o", "cat").output();
    }

    private static JsonNode status() throws Exception {
        return JSON.readTree(debian.run("medic", "status", "--json").orFail().output());
    }

    @Test
    @Order(1)
    void theDebInstalledWithAptRunsAsAnActiveServiceThatReportsItsStatus() {
        debian.sh("mkdir -p /etc/medic/conf.d && cp /etc/medic-e2e.conf /etc/medic/conf.d/10-e2e.conf").orFail();
        debian.run(Duration.ofMinutes(3), "apt-get", "install", "-y", "/root/medic.deb").orFail();

        await().atMost(Duration.ofSeconds(30)).until(() -> debian.run("systemctl", "is-active", "medic").output()
                .equals("active"));
        String status = debian.run("systemctl", "status", "medic", "--no-pager").output();
        assertTrue(status.contains("Status: \"1 target, 0 failing\""), status);
        assertEquals("medic", debian.run("stat", "-c", "%U", "/var/lib/medic").orFail().output());
        assertTrue(debian.run("id", "-nG", "medic").orFail().output().contains("docker"));
        assertEquals("enabled", debian.run("systemctl", "is-enabled", "medic").output());
    }

    @Test
    @Order(2)
    void aContainerKilledOnTheHostIsRestartedAndTheJournalCarriesEachLineAtItsPriority() {
        await().atMost(Duration.ofSeconds(30)).until(() -> journal("info").contains("event=started"));
        await().atMost(Duration.ofSeconds(15)).until(() -> !journal("info").contains("target=victim")
                || status().path("targets").get(0).path("phase").asText().equals("HEALTHY"));
        String before = DockerFixture.startedAt(VICTIM);

        Cli.run("docker", "kill", VICTIM).orFail();

        await().atMost(Duration.ofSeconds(15)).until(() -> DockerFixture.running(VICTIM)
                && !DockerFixture.startedAt(VICTIM).equals(before));
        await().atMost(Duration.ofSeconds(10)).until(() -> journal("notice..notice").contains(
                "event=heal_finished target=victim"));
        String warnings = journal("warning..warning");
        assertTrue(warnings.contains("event=heal_started target=victim"), warnings);
        assertTrue(journal("notice..notice").contains("outcome=ok"));
        String warningAndWorse = journal("warning");
        assertFalse(warningAndWorse.contains("event=started"), "info lines stay out of -p warning");
        assertFalse(warningAndWorse.contains("event=heal_finished"), "notice lines stay out of -p warning");
        String errors = journal("err");
        assertFalse(errors.contains("event=config_loaded") || errors.contains("event=started")
                || errors.contains("event=heal_started"), errors);
        assertFalse(journal("debug").contains("<6>"), "journald parses the priority prefix off every line");
    }

    @Test
    @Order(3)
    void aSystemdUnitOnTheHostIsCheckedByItsStateAndHealedWithARestart() {
        debian.sh("""
                printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/medic-e2e-dummy.service
                printf 'medic {\\n  api.listen = ""\\n  discovery.enabled = false\\n  targets.dummy { systemd-unit = medic-e2e-dummy.service }\\n  targets.ghost { systemd-unit = medic-e2e-ghost.service }\\n}\\n' > /etc/medic-units.conf
                systemctl daemon-reload
                """).orFail();

        Cli.Result check = debian.run("medic", "check", "--heal", "--config", "/etc/medic-units.conf");
        assertEquals(1, check.exitCode(), check.output());
        assertTrue(check.output().contains("dummy   FAIL    unit medic-e2e-dummy.service is inactive (dead)"),
                check.output());
        assertTrue(check.output().contains("HEAL    restart-unit ok: systemctl restart medic-e2e-dummy.service → exit 0"),
                check.output());
        assertTrue(check.output().contains("ghost   FAIL    unit medic-e2e-ghost.service not found"), check.output());
        assertEquals("active", debian.run("systemctl", "is-active", "medic-e2e-dummy.service").output());

        Cli.Result doctor = debian.run("medic", "doctor", "--config", "/etc/medic-units.conf");
        assertTrue(doctor.output().contains("ok    target dummy: unit medic-e2e-dummy.service is active (running)"),
                doctor.output());
        assertTrue(doctor.output().contains("FAIL  target ghost: unit medic-e2e-ghost.service not found"),
                doctor.output());
        debian.sh("systemctl stop medic-e2e-dummy.service; rm -f /etc/systemd/system/medic-e2e-dummy.service "
                + "/etc/medic-units.conf; systemctl daemon-reload").orFail();
    }

    @Test
    @Order(4)
    void aBrokenReloadFailsAndKeepsTheRunningConfigAndAFixedOneBringsTheNewTargetIn() throws Exception {
        String pid = show("MainPID");
        int actionsBefore = status().path("targets").get(0).path("actions").asInt();
        assertTrue(actionsBefore >= 1, "the victim was healed once already");
        debian.sh("printf 'medic {\\n  targets.second { container = \"%s\", intervl = 5s }\\n}\\n' "
                .formatted(VICTIM) + "> /etc/medic/conf.d/20-second.conf").orFail();

        Cli.Result reload = debian.run("systemctl", "reload", "medic");
        assertTrue(reload.exitCode() != 0, "a rejected config fails the reload: " + reload.output());

        await().atMost(Duration.ofSeconds(10)).until(() -> journal("debug..emerg")
                .contains("/etc/medic/conf.d/20-second.conf:2: medic.targets.second.intervl: unknown key"));
        assertEquals("active", debian.run("systemctl", "is-active", "medic").output());
        assertEquals(pid, show("MainPID"), "a reload never restarts the process");
        assertEquals(List.of("victim"), targetNames());

        debian.sh("sed -i 's/intervl/interval/' /etc/medic/conf.d/20-second.conf").orFail();
        debian.run("systemctl", "reload", "medic").orFail();

        await().atMost(Duration.ofSeconds(10)).until(() -> targetNames().equals(List.of("second", "victim")));
        assertEquals(pid, show("MainPID"));
        JsonNode victim = status().path("targets").get(1);
        assertEquals(actionsBefore, victim.path("actions").asInt(), "an unchanged target keeps its state");
        assertTrue(journal("info..info").contains("event=config_loaded"), "the reload is logged");
        await().atMost(Duration.ofSeconds(10)).until(() -> debian.run("systemctl", "status", "medic", "--no-pager")
                .output().contains("Status: \"2 targets, 0 failing\""));
    }

    private static List<String> targetNames() throws Exception {
        return status().path("targets").findValuesAsText("name");
    }

    @Test
    @Order(5)
    void systemdRestartsMedicWhenItIsKilledAndWhenItsWatchdogStopsHearingFromIt() {
        String pid = show("MainPID");
        int restarts = Integer.parseInt(show("NRestarts"));

        debian.run("kill", "-9", pid).orFail();

        await().atMost(Duration.ofSeconds(30)).until(() -> !show("MainPID").equals(pid)
                && !show("MainPID").equals("0") && show("ActiveState").equals("active"));
        assertEquals(restarts + 1, Integer.parseInt(show("NRestarts")));

        String frozen = show("MainPID");
        debian.run("kill", "-STOP", frozen).orFail();

        // WatchdogSec=30s: the frozen JVM sends no more pings, so systemd kills it and starts another.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !show("MainPID").equals(frozen) && show("ActiveState").equals("active"));
        assertEquals(restarts + 2, Integer.parseInt(show("NRestarts")));
        String systemdSays = debian.run("journalctl", "-u", "medic", "--no-pager").output();
        assertTrue(systemdSays.contains("Failed with result 'watchdog'"), systemdSays);
    }

    @Test
    @Order(6)
    void anUpgradeKeepsTheOperatorsConfigurationAndTheStateAndRestartsTheService() {
        await().atMost(Duration.ofSeconds(30)).until(() -> show("ActiveState").equals("active"));
        debian.sh("echo '# tuned by the operator' >> /etc/medic/medic.conf && touch /var/lib/medic/kept").orFail();
        String pid = show("MainPID");

        // The same version again takes dpkg's upgrade path: prerm upgrade, postinst configure <old version>.
        debian.run(Duration.ofMinutes(3), "apt-get", "install", "--reinstall", "-y", "/root/medic.deb").orFail();

        assertTrue(debian.run("cat", "/etc/medic/medic.conf").output().endsWith("# tuned by the operator"));
        assertEquals(0, debian.run("test", "-e", "/var/lib/medic/kept").exitCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> show("ActiveState").equals("active")
                && !show("MainPID").equals(pid));
    }

    @Test
    @Order(7)
    void stopExitsCleanlyRemoveKeepsTheConfigurationAndPurgeLeavesNothingBehind() {
        await().atMost(Duration.ofSeconds(30)).until(() -> debian.run("systemctl", "status", "medic", "--no-pager")
                .output().contains("Status:"));
        debian.run("systemctl", "stop", "medic").orFail();

        assertEquals("inactive", show("ActiveState"));
        assertEquals("success", show("Result"));
        assertEquals("0", show("ExecMainStatus"));
        assertTrue(journal("info").contains("event=stopping"));

        debian.run("systemctl", "start", "medic").orFail();
        debian.run(Duration.ofMinutes(2), "apt-get", "remove", "-y", "medic").orFail();
        assertNotEquals("active", debian.run("systemctl", "is-active", "medic").output(), "remove stops it");
        assertEquals(0, debian.run("test", "-e", "/etc/medic/medic.conf").exitCode(), "remove keeps the config");
        assertEquals(0, debian.run("getent", "passwd", "medic").exitCode());

        debian.run(Duration.ofMinutes(2), "apt-get", "purge", "-y", "medic").orFail();
        assertNothingOfMedicLeft();
    }

    @Test
    @Order(8)
    void installShAndUninstallShDoTheSameWithoutDpkg() {
        debian.sh("mkdir -p /etc/medic/conf.d && cp /etc/medic-e2e.conf /etc/medic/conf.d/10-e2e.conf").orFail();

        debian.run(Duration.ofMinutes(2), "bash", BootedDebian.CHECKOUT + "/scripts/install.sh").orFail();

        await().atMost(Duration.ofSeconds(30)).until(() -> debian.run("systemctl", "is-active", "medic").output()
                .equals("active"));
        assertTrue(debian.run("systemctl", "status", "medic", "--no-pager").output().contains("1 target, 0 failing"));

        debian.run(Duration.ofMinutes(2), "bash", BootedDebian.CHECKOUT + "/scripts/uninstall.sh", "--purge").orFail();
        assertNotEquals("active", debian.run("systemctl", "is-active", "medic").output());
        assertNothingOfMedicLeft();
    }

    private static void assertNothingOfMedicLeft() {
        String left = debian.sh("find / -path /src -prune -o -path /proc -prune -o -path /sys -prune -o "
                + "-name '*medic*' -print | grep -v -x -e /root/medic.deb -e /etc/medic-e2e.conf").output();
        assertEquals("", left, "files of medic left behind");
        assertNotEquals(0, debian.run("getent", "passwd", "medic").exitCode(), "the user medic is gone");
        assertNotEquals(0, debian.run("getent", "group", "medic").exitCode(), "the group medic is gone");
        assertTrue(debian.run("dpkg", "-s", "medic").exitCode() != 0);
    }
}
