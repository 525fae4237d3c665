package dev.medic.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The polkit rule medic ships ({@code /usr/share/medic/polkit/50-medic.rules}, disabled) and the list of units it
 * reads ({@code /etc/polkit-1/medic-restartable-units}), as {@code medic doctor} finds them: whether polkit runs
 * JavaScript rules at all, whether the rule is enabled, what the list holds and whether anyone but root could
 * change it. The rule lets user medic restart a unit only if the list holds its name as a whole line.
 */
final class PolkitRestartRule {
    static final Path SHIPPED = Path.of("/usr/share/medic/polkit/50-medic.rules");
    static final Path RULES_DIR = Path.of("/etc/polkit-1/rules.d");
    static final Path LIST = Path.of("/etc/polkit-1/medic-restartable-units");
    /** The characters the rule accepts in a unit name (the same pattern as in the rule). */
    static final Pattern UNIT_NAME = Pattern.compile("[A-Za-z0-9:_.@\\\\-]+");

    /** How the rule is enabled in the rules directory. */
    enum Enabled {
        /** A link to the shipped rule, or a copy of it. */
        YES,
        /** Something of the rule's name that is not the shipped rule: what it allows is not known. */
        CHANGED,
        /** A link to a file that is not there (medic was removed, or the link is wrong). */
        DANGLING,
        /** Not in the rules directory. */
        NO
    }

    /**
     * What was found.
     *
     * @param javascriptRules whether this polkit reads JavaScript rules (its rules directory exists)
     * @param shippedPresent whether the shipped rule is installed
     * @param where the rule's file in the rules directory, when there is one
     * @param list the list's lines, when it exists and can be read
     * @param listStat the list's own status (a link not followed), when it exists
     * @param unsafe every path of the list's (the list and the directories above it) that anyone but root could
     *        change, with its owner and mode
     */
    record State(boolean javascriptRules, boolean shippedPresent, Enabled enabled, Optional<Path> where,
                 Optional<List<String>> list, Optional<FileStat> listStat, List<String> unsafe) {
        State {
            unsafe = List.copyOf(unsafe);
        }

        /** The lines of the list that grep -x would match a unit name against (every line but blank ones). */
        List<String> listedUnits() {
            return list.orElse(List.of()).stream().filter(l -> !l.isEmpty()).toList();
        }
    }

    private PolkitRestartRule() {
    }

    /** The rule and its list on this host. */
    static State read() {
        return read(RULES_DIR, SHIPPED, LIST, FileStat::of);
    }

    /** As {@link #read()}, with the paths and the status lookup given (tests use a temporary directory). */
    static State read(Path rulesDir, Path shipped, Path list, Function<Path, Optional<FileStat>> stat) {
        boolean javascript = Files.isDirectory(rulesDir);
        boolean shippedPresent = Files.isRegularFile(shipped);
        Enabled enabled = Enabled.NO;
        Optional<Path> where = Optional.empty();
        if (javascript) {
            Path named = rulesDir.resolve(shipped.getFileName());
            List<Path> candidates = new ArrayList<>();
            if (Files.exists(named, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                candidates.add(named);
            }
            try (DirectoryStream<Path> rules = Files.newDirectoryStream(rulesDir, "*.rules")) {
                for (Path r : rules) {
                    if (!r.equals(named)) {
                        candidates.add(r);
                    }
                }
            } catch (IOException e) {
                // Unreadable: only the rule's own name is looked at.
            }
            for (Path r : candidates) {
                Enabled e = enabledAs(r, shipped, r.equals(named));
                if (e != Enabled.NO) {
                    enabled = e;
                    where = Optional.of(r);
                    if (e == Enabled.YES) {
                        break;
                    }
                }
            }
        }
        Optional<FileStat> listStat = stat.apply(list);
        Optional<List<String>> lines = Optional.empty();
        if (listStat.isPresent()) {
            try {
                // Lines as grep reads them: a last line without its newline is a line, an empty end is not.
                List<String> all = new ArrayList<>(Arrays.asList(
                        Files.readString(list, StandardCharsets.UTF_8).split("\n", -1)));
                if (all.get(all.size() - 1).isEmpty()) {
                    all.remove(all.size() - 1);
                }
                lines = Optional.of(List.copyOf(all));
            } catch (IOException | RuntimeException e) {
                lines = Optional.empty();
            }
        }
        List<String> unsafe = new ArrayList<>();
        if (listStat.isPresent()) {
            Path at = list.toAbsolutePath().normalize();
            for (Path p = at; p != null; p = p.getParent()) {
                Optional<FileStat> s = p.equals(at) ? listStat : stat.apply(p);
                if (s.isPresent() && (s.get().writableByOthersThanRoot() && !s.get().symbolicLink()
                        || p.equals(at) && s.get().symbolicLink())) {
                    unsafe.add(s.get().describe(p));
                }
            }
        }
        return new State(javascript, shippedPresent, enabled, where, lines, listStat, unsafe);
    }

    /**
     * How {@code rule} enables the shipped rule: a link to it or a copy of it is YES; a link that leads nowhere
     * is DANGLING when it names the shipped rule (or is the rule's own name); another file of the rule's own
     * name is CHANGED; anything else is NO.
     */
    private static Enabled enabledAs(Path rule, Path shipped, boolean ownName) {
        boolean link = Files.isSymbolicLink(rule);
        if (!Files.exists(rule)) {
            if (!link) {
                return Enabled.NO;
            }
            try {
                Path to = rule.getParent().resolve(Files.readSymbolicLink(rule)).normalize();
                return ownName || to.equals(shipped) ? Enabled.DANGLING : Enabled.NO;
            } catch (IOException e) {
                return ownName ? Enabled.DANGLING : Enabled.NO;
            }
        }
        try {
            if (Files.exists(shipped) && (Files.isSameFile(rule, shipped)
                    || Arrays.equals(Files.readAllBytes(rule), Files.readAllBytes(shipped)))) {
                return Enabled.YES;
            }
        } catch (IOException e) {
            // Unreadable: treated as not the shipped rule.
        }
        return ownName ? Enabled.CHANGED : Enabled.NO;
    }
}
