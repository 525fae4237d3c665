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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Writes the list of units medic's polkit rule lets the user medic restart ({@code
 * /etc/polkit-1/medic-restartable-units}) from the config, so that the list is exactly the units of the
 * systemd-unit targets whose ladder restarts them and never drifts from the config. Root runs it (the unit's
 * {@code ExecStartPre=+} and {@code ExecReload=+}); the user medic cannot write the list, the config or the
 * directories they are in.
 *
 * <p>Because the list grants what only root should decide, the units are written only when every config file is
 * root's alone: a config file (or its directory) another user could change would let that user choose what medic
 * may restart, and then the list is written empty and the reason given. Stateless; each call reads the files anew.
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

    /**
     * The unit names the list should hold: for every systemd-unit target with restart-unit in its ladder, the Id
     * systemd resolved (what polkit is asked about, never an alias), or the configured name with {@code .service}
     * when it has no type of its own and systemd does not know it yet. Sorted, each once.
     */
    List<String> units(MedicConfig config) {
        TreeSet<String> units = new TreeSet<>();
        config.targets().stream()
                .filter(t -> t instanceof SystemdUnitTarget)
                .map(t -> (SystemdUnitTarget) t)
                .filter(t -> t.policy().ladder().stream().anyMatch(s -> s.action() == HealingActionKind.RESTART_UNIT))
                .forEach(t -> units.add(resolve.apply(t.unit()).orElseGet(() -> withType(t.unit()))));
        return List.copyOf(units.stream().filter(u -> PolkitRestartRule.UNIT_NAME.matcher(u).matches()).toList());
    }

    private static String withType(String unit) {
        return unit.contains(".") ? unit : unit + ".service";
    }

    /**
     * The config files, and the directories above them, that someone other than root could change (each with its
     * owner and mode); empty when root alone decides what the config says.
     */
    List<String> untrusted(List<Path> configFiles) {
        List<String> untrusted = new ArrayList<>();
        TreeSet<Path> seen = new TreeSet<>();
        for (Path f : configFiles) {
            // The file medic reads is where its links lead; a link itself cannot be changed but through its directory.
            Path real;
            try {
                real = f.toRealPath();
            } catch (IOException e) {
                real = f.toAbsolutePath().normalize();
            }
            for (Path p = real; p != null; p = p.getParent()) {
                if (!seen.add(p)) {
                    continue;
                }
                Optional<FileStat> s = stat.apply(p);
                if (s.isPresent() && s.get().writableByOthersThanRoot() && !s.get().symbolicLink()) {
                    untrusted.add(s.get().describe(p));
                }
            }
        }
        return untrusted;
    }

    /**
     * Replaces {@code list} with the units of {@code config}, or with none when a config file is not root's alone.
     * Nothing is written when the list's directory does not exist (polkit is not installed).
     */
    Outcome write(Path list, MedicConfig config, List<Path> configFiles) throws IOException {
        Path dir = list.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return new Outcome(false, List.of(), Optional.of(dir + " does not exist (polkit is not installed)"));
        }
        List<String> untrusted = untrusted(configFiles);
        List<String> units = untrusted.isEmpty() ? units(config) : List.of();
        StringBuilder text = new StringBuilder(HEADER);
        units.forEach(u -> text.append(u).append('\n'));
        AtomicFiles.write(list, text.toString().getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.fromString("rw-r--r--"));
        return new Outcome(true, units, untrusted.isEmpty() ? Optional.empty() : Optional.of(
                "the config could be changed by others than root, who would then decide what medic may restart: "
                        + String.join(", ", untrusted) + "; make it root's alone (chown root; chmod go-w)"));
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
