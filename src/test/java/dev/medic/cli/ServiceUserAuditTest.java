package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.cli.ServiceUserAudit.Finding;
import dev.medic.cli.ServiceUserAudit.Level;
import dev.medic.docker.ComposeProject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * doctor's audit of what the service can do, with a fake service user: each test says which paths the user may
 * read, which are missing and which the kernel refuses (and where), as root would have found.
 */
class ServiceUserAuditTest {
    private static final Path LIST = PolkitRestartRule.LIST;

    /** The service user: every path granted unless the test says otherwise. */
    private static final class FakeUser implements ServiceUser {
        final Map<Path, Access> access = new HashMap<>();
        final Set<Integer> gids;

        FakeUser(Set<Integer> gids) {
            this.gids = gids;
        }

        @Override
        public String name() {
            return "medic";
        }

        @Override
        public int uid() {
            return 999;
        }

        @Override
        public Set<Integer> gids() {
            return gids;
        }

        @Override
        public Access access(Path path) {
            return access.getOrDefault(path, new Granted());
        }

        FakeUser denied(String path, String where) {
            access.put(Path.of(path), new Denied(where));
            return this;
        }

        FakeUser missing(String... paths) {
            for (String p : paths) {
                access.put(Path.of(p), new Missing());
            }
            return this;
        }
    }

    private final FakeUser user = new FakeUser(Set.of(999, 998));

    private static ServiceUnitSettings unit(String ambient, String protectHome) {
        return ServiceUnitSettings.from(Map.of("LoadState", "loaded", "User", "medic", "Group", "medic",
                "SupplementaryGroups", "docker", "AmbientCapabilities", ambient, "CapabilityBoundingSet", ambient,
                "ProtectHome", protectHome));
    }

    private static final ServiceUnitSettings PACKAGED = unit("cap_dac_read_search", "read-only");
    private static final ServiceUnitSettings WITHOUT_CAPABILITY = unit("", "read-only");

    private static final PolkitRestartRule.State NO_POLKIT_RULE = new PolkitRestartRule.State(true, true,
            PolkitRestartRule.Enabled.NO, Optional.empty(), Optional.empty(), Optional.empty(), List.of());

    private static PolkitRestartRule.State enabledWith(String... lines) {
        return new PolkitRestartRule.State(true, true, PolkitRestartRule.Enabled.YES,
                Optional.of(Path.of("/etc/polkit-1/rules.d/50-medic.rules")), Optional.of(List.of(lines)),
                Optional.of(new FileStat(0, 0, 0644, false, false)), List.of());
    }

    private static ServiceUserAudit.WatchedProject project(String name, String dir, String... files) {
        return new ServiceUserAudit.WatchedProject(new ComposeProject(name, Path.of(dir),
                java.util.Arrays.stream(files).map(Path::of).toList()), "target " + name);
    }

    private List<Finding> audit(ServiceUnitSettings unit, List<ServiceUserAudit.WatchedProject> projects) {
        return new ServiceUserAudit(unit, user).audit(projects, List.of(), NO_POLKIT_RULE, Optional.empty());
    }

    private static List<String> lines(List<Finding> findings, Level level) {
        return findings.stream().filter(f -> f.level() == level).map(Finding::text).toList();
    }

    // Compose projects: what the service's user can read, not root.

    @Test
    void aProjectInAnotherUsersPrivateHomeFailsWithTheFixWhenTheUnitLacksTheCapability() {
        user.denied("/home/alice/app/docker-compose.yml", "0700 /home/alice")
                .denied("/home/alice/app/.env", "0700 /home/alice")
                .denied("/home/alice/app", "0700 /home/alice");

        List<Finding> f = audit(WITHOUT_CAPABILITY, List.of(project("shop", "/home/alice/app",
                "/home/alice/app/docker-compose.yml")));

        assertEquals(List.of("project shop (target shop): medic cannot read /home/alice/app/docker-compose.yml"
                + " (0700 /home/alice) and 2 more of its paths: the unit's CAP_DAC_READ_SEARCH is missing; reinstall the"
                + " package or add AmbientCapabilities=CAP_DAC_READ_SEARCH and CapabilityBoundingSet=CAP_DAC_READ_SEARCH"
                + " (systemctl edit medic)"), lines(f, Level.FAIL));
        assertEquals("service: medic.service runs as user medic (uid 999, groups 998 999) without CAP_DAC_READ_SEARCH,"
                + " ProtectHome=read-only", f.get(0).text());
    }

    @Test
    void thePackagedUnitsCapabilityReadsTheSameProject() {
        user.denied("/home/alice/app/docker-compose.yml", "0700 /home/alice")
                .denied("/home/alice/app/.env", "0700 /home/alice")
                .denied("/home/alice/app", "0700 /home/alice");

        List<Finding> f = audit(PACKAGED, List.of(project("shop", "/home/alice/app",
                "/home/alice/app/docker-compose.yml")));

        assertEquals(List.of(), lines(f, Level.FAIL));
        assertTrue(lines(f, Level.OK).contains("project shop (target shop): medic can read /home/alice/app and its 2"
                + " compose and env files (through CAP_DAC_READ_SEARCH)"), f.toString());
    }

    @Test
    void aProjectMedicMayReadByItsModesIsOkWithoutTheCapability() {
        user.missing("/srv/shop/.env");

        List<Finding> f = audit(WITHOUT_CAPABILITY, List.of(project("shop", "/srv/shop", "/srv/shop/docker-compose.yml")));

        assertEquals(List.of(), lines(f, Level.FAIL));
        assertTrue(lines(f, Level.OK).contains("project shop (target shop): medic can read /srv/shop and its 1 compose"
                + " and env file"), f.toString());
    }

    @Test
    void protectHomeYesHidesAProjectUnderHomeWhateverTheCapability() {
        List<Finding> f = audit(unit("cap_dac_read_search", "yes"), List.of(project("shop", "/home/alice/app",
                "/home/alice/app/docker-compose.yml")));

        assertEquals(List.of("project shop (target shop): medic cannot see /home/alice/app/docker-compose.yml and 2 more"
                + " of its paths: medic.service has ProtectHome=yes, which hides /home, /root and /run/user from it; set"
                + " ProtectHome=read-only (systemctl edit medic)"), lines(f, Level.FAIL));
    }

    @Test
    void missingDirectoriesAndFilesAreReportedOnceEach() {
        user.missing("/srv/gone", "/srv/shop/docker-compose.prod.yml");

        List<Finding> f = audit(PACKAGED, List.of(project("gone", "/srv/gone", "/srv/gone/docker-compose.yml"),
                project("shop", "/srv/shop", "/srv/shop/docker-compose.prod.yml")));

        assertEquals(List.of("project gone (target gone): its directory /srv/gone does not exist; a project restart"
                        + " would fail: bring the project up again from where it is now (docker compose up -d in its"
                        + " directory), or remove the target",
                "project shop (target shop): /srv/shop/docker-compose.prod.yml does not exist; a project restart would"
                        + " fail: put it back, or bring the project up again with the files it has now (docker compose"
                        + " up -d in /srv/shop)"), lines(f, Level.FAIL));
    }

    @Test
    void withoutFilesComposeDefaultsAreLookedForAndTheirAbsenceIsAProblem() {
        user.missing("/srv/shop/docker-compose.yml", "/srv/shop/docker-compose.yaml", "/srv/shop/compose.yml",
                "/srv/shop/docker-compose.override.yml", "/srv/shop/docker-compose.override.yaml",
                "/srv/shop/compose.override.yaml", "/srv/shop/compose.override.yml", "/srv/shop/.env");
        user.denied("/srv/shop/compose.yaml", "0600 /srv/shop/compose.yaml");

        List<Finding> f = audit(WITHOUT_CAPABILITY, List.of(project("shop", "/srv/shop")));
        assertEquals(List.of("project shop (target shop): medic cannot read /srv/shop/compose.yaml (0600"
                + " /srv/shop/compose.yaml): the unit's CAP_DAC_READ_SEARCH is missing; reinstall the package or add"
                + " AmbientCapabilities=CAP_DAC_READ_SEARCH and CapabilityBoundingSet=CAP_DAC_READ_SEARCH (systemctl edit"
                + " medic)"), lines(f, Level.FAIL));

        user.missing("/srv/shop/compose.yaml");
        assertEquals(List.of("project shop (target shop): no compose file in /srv/shop (docker-compose.yml,"
                        + " docker-compose.yaml, compose.yaml, compose.yml); a project restart would fail: put the"
                        + " project's compose file back in /srv/shop"),
                lines(audit(PACKAGED, List.of(project("shop", "/srv/shop"))), Level.FAIL));
    }

    @Test
    void theEnvFilesComposeV2RecordedAreCheckedInsteadOfDotEnv() {
        user.denied("/etc/shop/secrets.env", "0600 /etc/shop/secrets.env");
        ServiceUserAudit.WatchedProject p = new ServiceUserAudit.WatchedProject(new ComposeProject("shop",
                Path.of("/srv/shop"), List.of(Path.of("/srv/shop/compose.yaml")), List.of(Path.of("/etc/shop/secrets.env"))),
                "container shop-api-1");

        List<Finding> f = audit(WITHOUT_CAPABILITY, List.of(p));

        assertTrue(lines(f, Level.FAIL).get(0).startsWith("project shop (container shop-api-1): medic cannot read"
                + " /etc/shop/secrets.env (0600 /etc/shop/secrets.env): "), f.toString());
    }

    @Test
    void theFilesTheComposeFilesNameAreCheckedAndAMissingOneSaysWhatNamesIt() {
        Path compose = Path.of("/home/alice/app/compose.yaml");
        user.denied("/home/alice/app/common.yaml", "0700 /home/alice")
                .missing("/home/alice/app/.env", "/home/alice/app/web.env", "/home/alice/app/optional.env");
        ServiceUserAudit audit = new ServiceUserAudit(WITHOUT_CAPABILITY, user, (dir, files) -> {
            assertEquals(Path.of("/home/alice/app"), dir);
            assertEquals(List.of(compose), files);
            return new ComposeFileReferences.Result(List.of(
                    new ComposeFileReferences.Reference(Path.of("/home/alice/app/common.yaml"), true, true,
                            "include in " + compose),
                    new ComposeFileReferences.Reference(Path.of("/home/alice/app/web.env"), true, false,
                            "env_file of service web in " + compose),
                    new ComposeFileReferences.Reference(Path.of("/home/alice/app/optional.env"), false, false,
                            "env_file of service worker in " + compose)),
                    List.of("\"${CONF}/x.env\" (env_file of service web in " + compose + "): compose interpolates it,"
                            + " so it is not checked"));
        });

        List<Finding> f = audit.audit(List.of(project("shop", "/home/alice/app", compose.toString())), List.of(),
                NO_POLKIT_RULE, Optional.empty());

        // A required file that is missing fails with what names it; an optional one (required: false) is fine.
        assertEquals(List.of("project shop (target shop): /home/alice/app/web.env (env_file of service web in "
                        + compose + ") does not exist; a project restart would fail: create it, or take it out of that"
                        + " compose file",
                "project shop (target shop): medic cannot read /home/alice/app/common.yaml (0700 /home/alice): the"
                        + " unit's CAP_DAC_READ_SEARCH is missing; reinstall the package or add"
                        + " AmbientCapabilities=CAP_DAC_READ_SEARCH and CapabilityBoundingSet=CAP_DAC_READ_SEARCH"
                        + " (systemctl edit medic)"), lines(f, Level.FAIL));
        assertEquals(List.of("project shop (target shop): \"${CONF}/x.env\" (env_file of service web in " + compose
                + "): compose interpolates it, so it is not checked"), lines(f, Level.WARN));
    }

    @Test
    void aProjectWatchedByTwoTargetsIsCheckedOnceNamingBoth() {
        ComposeProject shop = new ComposeProject("shop", Path.of("/srv/shop"), List.of(Path.of("/srv/shop/compose.yaml")));
        List<Finding> f = audit(PACKAGED, List.of(new ServiceUserAudit.WatchedProject(shop, "target api"),
                new ServiceUserAudit.WatchedProject(shop, "target worker"),
                new ServiceUserAudit.WatchedProject(shop, "target api")));

        assertEquals(1, lines(f, Level.OK).stream().filter(l -> l.startsWith("project shop (target api, target worker):"))
                .count(), f.toString());
    }

    // systemd-unit targets: medic's polkit rule, enabled, and its list.

    private List<Finding> units(PolkitRestartRule.State polkit, ServiceUserAudit.UnitTarget... units) {
        return new ServiceUserAudit(PACKAGED, user).audit(List.of(), List.of(units), polkit, Optional.empty());
    }

    private static ServiceUserAudit.UnitTarget unitTarget(String target, String unit, String id) {
        return new ServiceUserAudit.UnitTarget(target, unit, Optional.ofNullable(id));
    }

    @Test
    void aUnitTargetNeedsTheRuleEnabledAndSaysHow() {
        assertEquals(List.of("target web: medic may not restart nginx.service: medic's polkit rule is not enabled;"
                + " ln -s /usr/share/medic/polkit/50-medic.rules /etc/polkit-1/rules.d/"),
                lines(units(NO_POLKIT_RULE, unitTarget("web", "nginx", "nginx.service")), Level.FAIL));

        PolkitRestartRule.State noPolkit = new PolkitRestartRule.State(false, true, PolkitRestartRule.Enabled.NO,
                Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        assertEquals(List.of("target web: medic may not restart nginx.service: polkit is not installed, or too old for"
                + " rules (/etc/polkit-1/rules.d is missing); apt-get install polkitd, then ln -s"
                + " /usr/share/medic/polkit/50-medic.rules /etc/polkit-1/rules.d/"),
                lines(units(noPolkit, unitTarget("web", "nginx.service", "nginx.service")), Level.FAIL));
    }

    @Test
    void withTheRuleEnabledAndNoListDoctorSaysTheServiceWritesIt() {
        PolkitRestartRule.State noList = new PolkitRestartRule.State(true, true, PolkitRestartRule.Enabled.YES,
                Optional.of(Path.of("/etc/polkit-1/rules.d/50-medic.rules")), Optional.empty(), Optional.empty(),
                List.of());

        List<String> fails = lines(units(noList, unitTarget("web", "nginx", "nginx.service"),
                unitTarget("db", "postgresql@15-main", "postgresql@15-main.service")), Level.FAIL);

        assertEquals(List.of("target web: medic may not restart nginx.service: " + LIST + " does not exist; systemctl"
                        + " reload medic (it writes the list from the config, as root)",
                "target db: medic may not restart postgresql@15-main.service: " + LIST + " does not exist; systemctl"
                        + " reload medic (it writes the list from the config, as root)"), fails);
    }

    @Test
    void theListMustNameTheUnitAsSystemdResolvedIt() {
        List<Finding> f = units(enabledWith("nginx", "sshd.service"), unitTarget("web", "nginx", "nginx.service"),
                unitTarget("ssh", "sshd.service", "ssh.service"));

        assertEquals(List.of("target web: medic may not restart nginx.service: " + LIST + " does not list it;"
                        + " " + ServiceUserAudit.WRITE_LIST,
                "target ssh: medic may not restart ssh.service: " + LIST + " does not list it; "
                        + ServiceUserAudit.WRITE_LIST), lines(f, Level.FAIL));
    }

    @Test
    void aListedUnitIsOkAndUnitsNoTargetNamesOrLinesThatMatchNothingAreWarnedAbout() {
        List<Finding> f = units(enabledWith("# units medic may restart", "nginx.service", "sshd.service",
                "redis-server.service ", ""), unitTarget("web", "nginx", "nginx.service"),
                unitTarget("ghost", "ghost.service", null));

        assertEquals(List.of(), lines(f, Level.FAIL));
        assertTrue(lines(f, Level.OK).contains("target web: medic may restart nginx.service (medic's polkit rule is"
                + " enabled and " + LIST + " lists it)"), f.toString());
        assertEquals(List.of("polkit: medic may restart sshd.service, which no systemd-unit target names; systemctl"
                        + " reload medic (it writes the list from the config, as root)",
                "polkit: " + LIST + " has a line that is no unit name and matches nothing: \"redis-server.service \""
                        + " (one unit name per line, nothing else on it)"), lines(f, Level.WARN));
    }

    @Test
    void theListIsJudgedAsTheServiceWritesItAndAConfigOthersCouldChangeNamesTheRealFix() {
        // The service lists a unit systemd does not know yet under its .service name: not an extra to remove.
        List<Finding> expected = new ServiceUserAudit(PACKAGED, user)
                .expectingList(List.of("nginx.service", "later.service"), List.of())
                .audit(List.of(), List.of(unitTarget("web", "nginx", "nginx.service")),
                        enabledWith("nginx.service", "later.service"), Optional.empty());
        assertEquals(List.of(), lines(expected, Level.WARN));
        assertEquals(List.of(), lines(expected, Level.FAIL));

        List<Finding> untrusted = new ServiceUserAudit(PACKAGED, user)
                .expectingList(List.of("nginx.service"), List.of("/etc/medic/conf.d (owner uid 0, mode 0775)"))
                .audit(List.of(), List.of(unitTarget("web", "nginx", "nginx.service")), enabledWith(),
                        Optional.empty());
        assertEquals(List.of("polkit: the service writes " + LIST + " empty: the config could be changed by others"
                        + " than root, who would then decide what medic may restart: /etc/medic/conf.d (owner uid 0,"
                        + " mode 0775); make it root's alone (chown root; chmod go-w), then systemctl reload medic",
                "target web: medic may not restart nginx.service: " + LIST + " does not list it; make the config"
                        + " root's alone first (the polkit line says which paths)"), lines(untrusted, Level.FAIL));
    }

    @Test
    void aListOthersThanRootCouldWriteIsAProblemEvenWhenItListsTheUnit() {
        PolkitRestartRule.State unsafe = new PolkitRestartRule.State(true, true, PolkitRestartRule.Enabled.YES,
                Optional.of(Path.of("/etc/polkit-1/rules.d/50-medic.rules")), Optional.of(List.of("nginx.service")),
                Optional.of(new FileStat(999, 999, 0644, false, false)), List.of(LIST + " (owner uid 999, mode 0644)"));

        List<String> fails = lines(units(unsafe, unitTarget("web", "nginx", "nginx.service")), Level.FAIL);

        assertEquals(List.of("polkit: " + LIST + " (owner uid 999, mode 0644) could be changed by others than root, who"
                + " would then decide what medic may restart: make " + LIST + " a plain file and it and its directories"
                + " owned by root and writable by root only (chown root:root " + LIST + "; chmod 0644 " + LIST + ")"),
                fails);
    }

    @Test
    void aDanglingOrChangedRuleSaysSo() {
        PolkitRestartRule.State dangling = new PolkitRestartRule.State(true, false, PolkitRestartRule.Enabled.DANGLING,
                Optional.of(Path.of("/etc/polkit-1/rules.d/50-medic.rules")), Optional.empty(), Optional.empty(),
                List.of());
        assertEquals(List.of("target web: medic may not restart nginx.service: /etc/polkit-1/rules.d/50-medic.rules"
                + " leads to a missing file; reinstall medic or link it again: ln -sf /usr/share/medic/polkit/50-medic.rules"
                + " /etc/polkit-1/rules.d/50-medic.rules"),
                lines(units(dangling, unitTarget("web", "nginx", "nginx.service")), Level.FAIL));

        PolkitRestartRule.State changed = new PolkitRestartRule.State(true, true, PolkitRestartRule.Enabled.CHANGED,
                Optional.of(Path.of("/etc/polkit-1/rules.d/50-medic.rules")), Optional.of(List.of("nginx.service")),
                Optional.of(new FileStat(0, 0, 0644, false, false)), List.of());
        List<Finding> f = units(changed, unitTarget("web", "nginx", "nginx.service"));
        assertTrue(lines(f, Level.WARN).get(0).startsWith("polkit: /etc/polkit-1/rules.d/50-medic.rules is not the rule"
                + " medic ships; what it allows is not checked"), f.toString());
    }

    @Test
    void aUnitSystemdDoesNotKnowIsLeftToTheUnitCheck() {
        assertEquals(List.of(), lines(units(NO_POLKIT_RULE, unitTarget("ghost", "ghost.service", null)), Level.FAIL));
    }

    // The Docker socket: its group, and whether the service is in it.

    private List<Finding> socket(FileStat stat, String group) {
        return new ServiceUserAudit(PACKAGED, user).audit(List.of(), List.of(), NO_POLKIT_RULE, Optional.of(
                new ServiceUserAudit.DockerSocket(Path.of("/var/run/docker.sock"), stat, group)));
    }

    @Test
    void theDockerSocketsGroupMustHoldTheServiceUser() {
        assertEquals(List.of("docker: /var/run/docker.sock: medic may use it (group docker, mode 0660)"),
                lines(socket(new FileStat(0, 998, 0660, false, false), "docker"), Level.OK).subList(1, 2));

        assertEquals(List.of("docker: /var/run/docker.sock: medic may not use it: it belongs to group docker2 (mode 0660)"
                + " and medic is not in that group; adduser medic docker2, then systemctl restart medic"),
                lines(socket(new FileStat(0, 997, 0660, false, false), "docker2"), Level.FAIL));

        assertEquals(List.of("docker: /var/run/docker.sock: medic may not use it: mode 0600 gives its group docker no"
                + " read and write; dockerd makes it 0660 for the group of its -G option (docker)"),
                lines(socket(new FileStat(0, 998, 0600, false, false), "docker"), Level.FAIL));
    }
}
