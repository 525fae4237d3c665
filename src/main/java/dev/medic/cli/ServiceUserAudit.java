package dev.medic.cli;

import dev.medic.docker.ComposeProject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The part of {@code medic doctor} that checks what the service can do, not what root (who runs doctor) can:
 * whether the service's user may read the directory and files of every compose project medic watches (with the
 * unit's CAP_DAC_READ_SEARCH, when it grants it, and unless ProtectHome= hides them), whether it may restart
 * every systemd-unit target's unit (medic's polkit rule enabled and its list naming the unit), and whether it
 * may use the Docker socket. One finding per problem, each with its fix.
 */
final class ServiceUserAudit {
    /** The file names compose looks for in the working directory when it is given none. */
    static final List<String> DEFAULT_FILES = List.of("docker-compose.yml", "docker-compose.yaml", "compose.yaml",
            "compose.yml");
    /** What compose reads besides, when it found a default file and an override is there. */
    static final List<String> DEFAULT_OVERRIDES = List.of("docker-compose.override.yml", "docker-compose.override.yaml",
            "compose.override.yaml", "compose.override.yml");
    static final String LINK_COMMAND = "ln -s " + PolkitRestartRule.SHIPPED + " " + PolkitRestartRule.RULES_DIR + "/";
    /** The fix for a list that does not hold what the config says: the service writes it at start and reload. */
    static final String WRITE_LIST = "systemctl reload medic (it writes the list from the config, as root)";

    enum Level { OK, WARN, FAIL }

    /** One line of doctor's output. */
    record Finding(Level level, String text) {
    }

    /** A compose project medic may restart, and what makes medic watch it (for the messages: "target api"). */
    record WatchedProject(ComposeProject project, String watchedBy) {
    }

    /** A systemd-unit target, its unit as configured and as systemd resolved it (empty: systemd does not know it). */
    record UnitTarget(String target, String unit, Optional<String> id) {
    }

    /** The Docker socket as root sees it, with its group's name. */
    record DockerSocket(Path path, FileStat stat, String group) {
    }

    private final ServiceUnitSettings unit;
    private final ServiceUser user;
    private final BiFunction<Path, List<Path>, ComposeFileReferences.Result> references;
    private final List<Finding> findings = new ArrayList<>();
    private Optional<List<String>> expectedList = Optional.empty();
    private List<String> untrustedConfig = List.of();

    ServiceUserAudit(ServiceUnitSettings unit, ServiceUser user) {
        this(unit, user, ComposeFileReferences::of);
    }

    /** As the other, with what a project's compose files name given (tests of paths that exist only in a fake). */
    ServiceUserAudit(ServiceUnitSettings unit, ServiceUser user,
                     BiFunction<Path, List<Path>, ComposeFileReferences.Result> references) {
        this.unit = unit;
        this.user = user;
        this.references = references;
    }

    /**
     * What the polkit list should hold, as the service writes it from this config ({@link PolkitUnitList}), and what
     * of the config others than root could change (then the service writes it empty). Without this, the list is
     * expected to hold the units of the unit targets audited.
     */
    ServiceUserAudit expectingList(List<String> units, List<String> untrusted) {
        this.expectedList = Optional.of(List.copyOf(units));
        this.untrustedConfig = List.copyOf(untrusted);
        return this;
    }

    private void ok(String text) {
        findings.add(new Finding(Level.OK, text));
    }

    private void warn(String text) {
        findings.add(new Finding(Level.WARN, text));
    }

    private void fail(String text) {
        findings.add(new Finding(Level.FAIL, text));
    }

    /** Every finding, in the order: the service, its compose projects, its units, the Docker socket. */
    List<Finding> audit(List<WatchedProject> projects, List<UnitTarget> units, PolkitRestartRule.State polkit,
                        Optional<DockerSocket> socket) {
        findings.clear();
        boolean readSearch = unit.grants(ServiceUnitSettings.READ_SEARCH);
        ok("service: " + ServiceUnitSettings.UNIT + " runs as user " + user.name() + " (uid " + user.uid() + ", groups "
                + String.join(" ", new TreeSet<>(user.gids()).stream().map(String::valueOf).toList()) + ") "
                + (readSearch ? "with" : "without") + " CAP_DAC_READ_SEARCH, ProtectHome=" + unit.protectHome());
        for (Map.Entry<ComposeProject, List<String>> p : merged(projects).entrySet()) {
            auditProject(p.getKey(), p.getValue(), readSearch);
        }
        auditUnits(units, polkit);
        socket.ifPresent(this::auditSocket);
        return List.copyOf(findings);
    }

    /** The same project watched by several targets is checked once, naming them all. */
    private static Map<ComposeProject, List<String>> merged(List<WatchedProject> projects) {
        Map<ComposeProject, List<String>> byProject = new LinkedHashMap<>();
        for (WatchedProject w : projects) {
            List<String> by = byProject.computeIfAbsent(w.project(), k -> new ArrayList<>());
            if (!by.contains(w.watchedBy())) {
                by.add(w.watchedBy());
            }
        }
        return byProject;
    }

    private void auditProject(ComposeProject p, List<String> watchedBy, boolean readSearch) {
        String what = "project " + p.name() + " (" + String.join(", ", watchedBy) + ")";
        Path dir = p.workingDir();
        if (!exists(dir)) {
            fail(what + ": its directory " + dir + " does not exist; a project restart would fail: bring the project"
                    + " up again from where it is now (docker compose up -d in its directory), or remove the target");
            return;
        }
        // What compose reads: the files it is given, else the default file in the directory and its override; the
        // env files it is given, else .env in the directory; and what those files name. Root sees which exist.
        List<Path> files = new ArrayList<>(p.files());
        if (files.isEmpty()) {
            DEFAULT_FILES.stream().map(dir::resolve).filter(this::exists).findFirst().ifPresent(f -> {
                files.add(f);
                DEFAULT_OVERRIDES.stream().map(dir::resolve).filter(this::exists).findFirst().ifPresent(files::add);
            });
            if (files.isEmpty()) {
                fail(what + ": no compose file in " + dir + " (" + String.join(", ", DEFAULT_FILES)
                        + "); a project restart would fail: put the project's compose file back in " + dir);
                return;
            }
        }
        List<Path> envFiles = new ArrayList<>(p.envFiles());
        if (envFiles.isEmpty() && exists(dir.resolve(".env"))) {
            envFiles.add(dir.resolve(".env"));
        }
        // Why each path is read, for the line that says it is missing (the given files need no reason).
        Map<Path, String> namedBy = new LinkedHashMap<>();
        ComposeFileReferences.Result named = references.apply(dir, files);
        for (ComposeFileReferences.Reference r : named.references()) {
            if (r.required() || exists(r.path())) {
                namedBy.putIfAbsent(r.path(), r.why());
            }
        }
        for (String n : named.notChecked()) {
            warn(what + ": " + n);
        }
        List<Path> all = new ArrayList<>(files);
        all.addAll(envFiles);
        namedBy.keySet().stream().filter(f -> !all.contains(f)).forEach(all::add);
        all.add(dir);
        List<Path> missing = new ArrayList<>();
        List<Path> hidden = new ArrayList<>();
        Map<Path, String> denied = new LinkedHashMap<>();
        boolean byCapability = false;
        for (Path f : all) {
            ServiceUser.Access a = user.access(f);
            if (a instanceof ServiceUser.Missing) {
                missing.add(f);
            } else if (unit.hides(f)) {
                hidden.add(f);
            } else if (a instanceof ServiceUser.Denied d) {
                if (readSearch) {
                    byCapability = true;
                } else {
                    denied.put(f, d.where());
                }
            }
        }
        for (Path f : missing) {
            fail(what + ": " + f + (namedBy.containsKey(f) ? " (" + namedBy.get(f) + ") does not exist; a project"
                    + " restart would fail: create it, or take it out of that compose file"
                    : " does not exist; a project restart would fail: put it back, or bring the project up again"
                    + " with the files it has now (docker compose up -d in " + dir + ")"));
        }
        if (!hidden.isEmpty()) {
            fail(what + ": " + user.name() + " cannot see " + hidden.get(0) + more(hidden.size() - 1) + ": "
                    + ServiceUnitSettings.UNIT + " has ProtectHome=" + unit.protectHome() + ", which hides /home, /root"
                    + " and /run/user from it; set ProtectHome=read-only (systemctl edit medic)");
        }
        if (!denied.isEmpty()) {
            Map.Entry<Path, String> first = denied.entrySet().iterator().next();
            fail(what + ": " + user.name() + " cannot read " + first.getKey() + " (" + first.getValue() + ")"
                    + more(denied.size() - 1) + ": the unit's CAP_DAC_READ_SEARCH is missing; reinstall the package"
                    + " or add AmbientCapabilities=CAP_DAC_READ_SEARCH and CapabilityBoundingSet=CAP_DAC_READ_SEARCH"
                    + " (systemctl edit medic)");
        }
        if (missing.isEmpty() && hidden.isEmpty() && denied.isEmpty()) {
            ok(what + ": " + user.name() + " can read " + dir + " and its " + (all.size() - 1) + " compose and env "
                    + (all.size() == 2 ? "file" : "files") + (byCapability ? " (through CAP_DAC_READ_SEARCH)" : ""));
        }
    }

    private boolean exists(Path p) {
        return !(user.access(p) instanceof ServiceUser.Missing);
    }

    private static String more(int n) {
        return n <= 0 ? "" : " and " + n + " more of its " + (n == 1 ? "path" : "paths");
    }

    private void auditUnits(List<UnitTarget> units, PolkitRestartRule.State polkit) {
        Path list = PolkitRestartRule.LIST;
        Set<String> needed = new TreeSet<>();
        expectedList.ifPresentOrElse(needed::addAll, () -> units.forEach(u -> u.id().ifPresent(needed::add)));
        List<String> listed = polkit.listedUnits();
        // A config others could change gets an empty list: a reload does not help, making it root's does.
        String writeList = untrustedConfig.isEmpty() ? WRITE_LIST
                : "make the config root's alone first (the polkit line says which paths)";
        if (!untrustedConfig.isEmpty() && !units.isEmpty()) {
            fail("polkit: the service writes " + list + " empty: " + PolkitUnitList.untrustedReason(untrustedConfig));
        }
        if (!units.isEmpty() || polkit.enabled() == PolkitRestartRule.Enabled.YES) {
            if (polkit.enabled() == PolkitRestartRule.Enabled.CHANGED) {
                warn("polkit: " + polkit.where().map(Path::toString).orElse("") + " is not the rule medic ships;"
                        + " what it allows is not checked (use the shipped one: ln -sf " + PolkitRestartRule.SHIPPED
                        + " " + polkit.where().map(Path::toString).orElse("") + ")");
            }
            if (!polkit.unsafe().isEmpty() && polkit.listStat().isPresent()) {
                fail("polkit: " + String.join(", ", polkit.unsafe()) + " could be changed by others than root, who"
                        + " would then decide what " + user.name() + " may restart: make " + list + " a plain file and"
                        + " it and its directories owned by root and writable by root only (chown root:root " + list
                        + "; chmod 0644 " + list + ")");
            }
        }
        for (UnitTarget u : units) {
            if (u.id().isEmpty()) {
                continue; // systemd does not know it: the unit check says so.
            }
            String id = u.id().get();
            String what = "target " + u.target() + ": " + user.name() + " may not restart " + id + ": ";
            if (!polkit.javascriptRules()) {
                fail(what + "polkit is not installed, or too old for rules (" + PolkitRestartRule.RULES_DIR
                        + " is missing); apt-get install polkitd, then " + LINK_COMMAND);
            } else if (polkit.enabled() == PolkitRestartRule.Enabled.NO) {
                fail(what + "medic's polkit rule is not enabled; " + LINK_COMMAND + (polkit.shippedPresent() ? ""
                        : " (it is not installed either: reinstall medic)"));
            } else if (polkit.enabled() == PolkitRestartRule.Enabled.DANGLING) {
                fail(what + polkit.where().map(Path::toString).orElse("its rule") + " leads to a missing file;"
                        + " reinstall medic or link it again: ln -sf "
                        + PolkitRestartRule.SHIPPED + " " + polkit.where().map(Path::toString).orElse(""));
            } else if (polkit.listStat().isEmpty()) {
                fail(what + list + " does not exist; " + writeList);
            } else if (polkit.list().isEmpty()) {
                fail(what + list + " cannot be read; " + writeList);
            } else if (!listed.contains(id)) {
                fail(what + list + " does not list it; " + writeList);
            } else {
                ok("target " + u.target() + ": " + user.name() + " may restart " + id + " (medic's polkit rule is"
                        + " enabled and " + list + " lists it)");
            }
        }
        if (polkit.enabled() == PolkitRestartRule.Enabled.YES && polkit.list().isPresent()) {
            List<String> odd = new ArrayList<>();
            Set<String> extra = new LinkedHashSet<>();
            for (String line : listed) {
                if (line.startsWith("#")) {
                    continue;
                }
                if (!PolkitRestartRule.UNIT_NAME.matcher(line).matches()) {
                    odd.add(dev.medic.core.FieldText.quote(line));
                } else if (!needed.contains(line)) {
                    extra.add(line);
                }
            }
            if (!extra.isEmpty()) {
                warn("polkit: " + user.name() + " may restart " + String.join(", ", extra) + ", which no systemd-unit"
                        + " target names; " + writeList);
            }
            if (!odd.isEmpty()) {
                warn("polkit: " + list + " has " + (odd.size() == 1 ? "a line that is" : "lines that are")
                        + " no unit name and match" + (odd.size() == 1 ? "es" : "") + " nothing: "
                        + String.join(", ", odd)
                        + " (one unit name per line, nothing else on it)");
            }
        }
    }

    private void auditSocket(DockerSocket s) {
        String name = user.name();
        String where = "docker: " + s.path();
        if (s.stat().allows(user.uid(), user.gids(), FileStat.READ | FileStat.WRITE)) {
            ok(where + ": " + name + " may use it (group " + s.group() + ", mode " + s.stat().octal() + ")");
        } else if (user.gids().contains(s.stat().gid())) {
            fail(where + ": " + name + " may not use it: mode " + s.stat().octal() + " gives its group " + s.group()
                    + " no read and write; dockerd makes it 0660 for the group of its -G option (docker)");
        } else {
            fail(where + ": " + name + " may not use it: it belongs to group " + s.group() + " (mode "
                    + s.stat().octal() + ") and " + name + " is not in that group; adduser " + name + " " + s.group()
                    + ", then systemctl restart medic");
        }
    }

    /** The one finding when the service cannot be checked, with the reason. */
    static Finding notChecked(String why) {
        return new Finding(Level.WARN, "service: " + why + "; what the service may read, restart and reach is not"
                + " checked");
    }
}
