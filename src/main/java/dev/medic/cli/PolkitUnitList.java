package dev.medic.cli;

import dev.medic.config.MedicConfig;
import dev.medic.config.SystemdUnitTarget;
import dev.medic.core.HealingActionKind;
import dev.medic.state.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Writes the list of units medic's polkit rule lets the user medic restart ({@code
 * /etc/polkit-1/medic-restartable-units}) from the config, so that the list is exactly the units of the
 * systemd-unit targets whose ladder restarts them and never drifts from the config. Root runs it (the unit's
 * {@code ExecStartPre=+} and {@code ExecReload=+}); the user medic cannot write the list, the config or the
 * directories they are in.
 *
 * <p>Because the list grants what only root should decide, the units are written only from a config that passed and
 * whose sources are root's alone: a config file, a file it includes (or the directory a missing include would be
 * created in) or the drop-in directory another user could change would let that user choose what medic may
 * restart, and then the list is written empty and the reason given. Stateless; each call reads the files anew.
 */
final class PolkitUnitList {
    /** The first lines of the list, so that an administrator who opens it knows not to edit it. */
    static final String HEADER = "# Written by medic from its configuration at every start and reload (systemctl"
            + " reload medic);\n# edits here are replaced. One unit per line: the user medic may restart these and"
            + " nothing else.\n";

    /** What was written, or why nothing was. */
    record Outcome(boolean written, List<String> units, Optional<String> refusal) {
        Outcome {
            units = List.copyOf(units);
        }
    }

    private final Function<String, Optional<String>> resolve;
    private final Function<Path, Optional<FileStat>> stat;

    /**
     * @param resolve the Id systemd resolved for a unit name as configured (empty: systemd does not know it)
     * @param stat a path's own status
     */
    PolkitUnitList(Function<String, Optional<String>> resolve, Function<Path, Optional<FileStat>> stat) {
        this.resolve = resolve;
        this.stat = stat;
    }

    /** Whether the list should name {@code t}'s unit: its ladder restarts it (an exec-host-only ladder does not). */
    static boolean restartsItsUnit(SystemdUnitTarget t) {
        return t.policy().ladder().stream().anyMatch(s -> s.action() == HealingActionKind.RESTART_UNIT);
    }

    /**
     * The name the list holds for {@code t}'s unit: the Id systemd resolved (what polkit is asked about, never an
     * alias), or the configured name with {@code .service} when it has no type of its own and systemd does not know
     * it yet.
     */
    String listedName(SystemdUnitTarget t) {
        return resolve.apply(t.unit()).orElseGet(() -> t.unit().contains(".") ? t.unit() : t.unit() + ".service");
    }

    /** The unit names the list should hold: {@link #listedName} of every target that restarts its unit. Sorted, once each. */
    List<String> units(MedicConfig config) {
        TreeSet<String> units = new TreeSet<>();
        config.targets().stream()
                .filter(t -> t instanceof SystemdUnitTarget)
                .map(t -> (SystemdUnitTarget) t)
                .filter(PolkitUnitList::restartsItsUnit)
                .forEach(t -> units.add(listedName(t)));
        return List.copyOf(units.stream().filter(u -> PolkitRestartRule.UNIT_NAME.matcher(u).matches()).toList());
    }

    /**
     * The files and directories among {@code paths} and above them that someone other than root could change, each
     * with its owner and mode; empty when root alone decides what they say. A path is checked as given and where its
     * links lead; a missing path through the directories that would hold it (whoever may create it there decides).
     * ACLs are not looked at.
     */
    List<String> untrusted(List<Path> paths) {
        List<String> untrusted = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path f : paths) {
            List<Path> starts = new ArrayList<>(List.of(f.toAbsolutePath().normalize()));
            try {
                starts.add(f.toRealPath());
            } catch (IOException e) {
                // Missing: its directories decide who may create it.
            }
            for (Path start : starts) {
                for (Path p = start; p != null; p = p.getParent()) {
                    if (!seen.add(p)) {
                        continue;
                    }
                    // A link's own mode means nothing: who may replace it is its directory's, checked next.
                    Optional<FileStat> s = stat.apply(p);
                    if (s.isPresent() && s.get().writableByOthersThanRoot() && !s.get().symbolicLink()) {
                        untrusted.add(s.get().describe(p));
                    }
                }
            }
        }
        return untrusted;
    }

    /**
     * Replaces {@code list} with the units of {@code config}, or with none when the config was rejected (empty) or
     * one of {@code sources} (its files, what they include, its directories) is not root's alone: the list grants
     * only while the config it came from holds. Nothing is written when the list's directory does not exist
     * (polkit is not installed), and only a file of the list's own name is ever replaced.
     */
    Outcome write(Path list, Optional<MedicConfig> config, List<Path> sources) throws IOException {
        if (!list.getFileName().equals(PolkitRestartRule.LIST.getFileName())) {
            throw new IOException("refusing to replace " + list + ": the list is a file named "
                    + PolkitRestartRule.LIST.getFileName());
        }
        Path dir = list.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return new Outcome(false, List.of(), Optional.of(dir + " does not exist (polkit is not installed)"));
        }
        List<String> untrusted = config.isPresent() ? untrusted(sources) : List.of();
        List<String> units = config.isPresent() && untrusted.isEmpty() ? units(config.get()) : List.of();
        StringBuilder text = new StringBuilder(HEADER);
        units.forEach(u -> text.append(u).append('\n'));
        AtomicFiles.write(list, text.toString().getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.fromString("rw-r--r--"));
        Optional<String> refusal = config.isEmpty() ? Optional.of("the config was rejected")
                : untrusted.isEmpty() ? Optional.empty() : Optional.of(untrustedReason(untrusted));
        return new Outcome(true, units, refusal);
    }

    /** Why nothing is listed when a source of the config is not root's alone, with the fix. */
    static String untrustedReason(List<String> untrusted) {
        return "the config could be changed by others than root, who would then decide what medic may restart: "
                + String.join(", ", untrusted) + "; make it root's alone (chown root; chmod go-w), then systemctl"
                + " reload medic";
    }

    /** Resolves unit names by asking systemd for the unit's Id (empty when it does not know the unit). */
    static Function<String, Optional<String>> systemdIds(dev.medic.systemd.SystemdUnits systemd,
                                                         java.time.Duration limit) {
        return unit -> {
            try {
                Map<String, String> show = systemd.show(unit, List.of("LoadState", "Id"), limit);
                if (show.getOrDefault("LoadState", "not-found").equals("not-found")) {
                    return Optional.empty();
                }
                return Optional.ofNullable(show.get("Id")).filter(s -> !s.isBlank());
            } catch (IOException e) {
                return Optional.empty();
            }
        };
    }
}
