package dev.medic.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {
    /** A medic started by systemd with secrets handed over through {@code *-env} keys and some noise. */
    private static final Map<String, String> MEDIC = Map.ofEntries(
            Map.entry("PATH", "/usr/bin:/bin"), Map.entry("HOME", "/var/lib/medic"),
            Map.entry("LANG", "C.UTF-8"), Map.entry("LC_TIME", "en_GB.UTF-8"), Map.entry("TZ", "Europe/Berlin"),
            Map.entry("DOCKER_HOST", "unix:///run/other.sock"), Map.entry("DOCKER_CONFIG", "/etc/medic/docker"),
            Map.entry("DOCKER_CERT_PATH", "/etc/medic/certs"), Map.entry("DOCKER_TLS_VERIFY", "1"),
            Map.entry("MEDIC_SMTP_PASSWORD", "hunter2"), Map.entry("MEDIC_TELEGRAM_TOKEN", "123:abc"),
            Map.entry("COMPOSE_FILE", "/home/alice/pwn.yml"), Map.entry("COMPOSE_PROJECT_NAME", "other"),
            Map.entry("INVOCATION_ID", "f00"), Map.entry("LC_", "odd"), Map.entry("MEDIC_JAVA_OPTS", "-Xmx1g"));

    @Test
    void keepsOnlyTheAllowListOfMedicsEnvironment() {
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/var/lib/medic", "LANG", "C.UTF-8",
                "LC_TIME", "en_GB.UTF-8", "TZ", "Europe/Berlin", "DOCKER_HOST", "unix:///run/other.sock",
                "DOCKER_CONFIG", "/etc/medic/docker", "DOCKER_CERT_PATH", "/etc/medic/certs", "DOCKER_TLS_VERIFY", "1"),
                ChildEnvironment.inheritedFrom(MEDIC).asMap());
    }

    @Test
    void whatMedicSetsReplacesWhatItInherited() {
        Map<String, String> env = ChildEnvironment.inheritedFrom(MEDIC)
                .with(Map.of("DOCKER_HOST", "unix:///var/run/docker.sock")).asMap();
        assertEquals("unix:///var/run/docker.sock", env.get("DOCKER_HOST"));
        assertFalse(env.containsValue("hunter2"));
    }

    @Test
    void aMedicWithoutPathGivesItsChildrenTheUsualOne() {
        assertEquals(Map.of("PATH", ChildEnvironment.DEFAULT_PATH),
                ChildEnvironment.inheritedFrom(Map.of("MEDIC_SMTP_PASSWORD", "hunter2")).asMap());
    }

    @Test
    void itsTextNamesTheVariablesButShowsNoValue() {
        String text = ChildEnvironment.inheritedFrom(MEDIC).toString();
        assertFalse(text.contains("/etc/medic/certs"), text);
    }
}
