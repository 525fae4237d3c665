package dev.medic.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the installed {@code medic.service} gives the service, as {@code systemctl show medic} reports it: the
 * user and groups it runs as, its capabilities and whether home directories are hidden from it. Immutable.
 *
 * @param installed whether systemd knows the unit (LoadState is not {@code not-found})
 * @param user User= (empty: root)
 * @param ambientCapabilities AmbientCapabilities=, lower case ({@code cap_dac_read_search})
 * @param boundingCapabilities CapabilityBoundingSet=, lower case
 * @param protectHome ProtectHome= ({@code no}, {@code yes}, {@code read-only}, {@code tmpfs})
 */
record ServiceUnitSettings(boolean installed, String user, String group, List<String> supplementaryGroups,
                           Set<String> ambientCapabilities, Set<String> boundingCapabilities, String protectHome) {
    static final String UNIT = "medic.service";
    static final String READ_SEARCH = "cap_dac_read_search";
    /** The properties {@link #from} reads. */
    static final List<String> PROPERTIES = List.of("LoadState", "User", "Group", "SupplementaryGroups",
            "AmbientCapabilities", "CapabilityBoundingSet", "ProtectHome");

    ServiceUnitSettings {
        supplementaryGroups = List.copyOf(supplementaryGroups);
        ambientCapabilities = Set.copyOf(ambientCapabilities);
        boundingCapabilities = Set.copyOf(boundingCapabilities);
    }

    /** From the properties {@code systemctl show -p ...} printed (missing ones count as empty). */
    static ServiceUnitSettings from(Map<String, String> show) {
        String load = show.getOrDefault("LoadState", "not-found");
        return new ServiceUnitSettings(!load.equals("not-found") && !load.isBlank(),
                show.getOrDefault("User", "").strip(),
                show.getOrDefault("Group", "").strip(), words(show.get("SupplementaryGroups")),
                capabilities(show.get("AmbientCapabilities")), capabilities(show.get("CapabilityBoundingSet")),
                show.getOrDefault("ProtectHome", "no").strip());
    }

    private static List<String> words(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.asList(value.strip().split("\\s+"));
    }

    private static Set<String> capabilities(String value) {
        return words(value).stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** Whether the service runs as root (no User=, or User=root). */
    boolean runsAsRoot() {
        return user.isEmpty() || user.equals("root") || user.equals("0");
    }

    /** The name of the user the service runs as. */
    String userName() {
        return runsAsRoot() ? "root" : user;
    }

    /** Whether the service's processes have {@code capability} (ambient, and so within the bounding set too). */
    boolean grants(String capability) {
        return ambientCapabilities.contains(capability) && boundingCapabilities.contains(capability);
    }

    /** Whether ProtectHome= hides {@code path} from the service altogether (yes or tmpfs, not read-only). */
    boolean hides(Path path) {
        boolean hiding = switch (protectHome.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1", "on", "tmpfs" -> true;
            default -> false;
        };
        Path p = path.toAbsolutePath().normalize();
        return hiding && (p.startsWith("/home") || p.startsWith("/root") || p.startsWith("/run/user"));
    }

    /** The unit's groups, as the service gets them besides its user's own: Group= and SupplementaryGroups=. */
    List<String> extraGroups() {
        return group.isEmpty() ? supplementaryGroups
                : Stream.concat(Stream.of(group), supplementaryGroups.stream()).toList();
    }
}
