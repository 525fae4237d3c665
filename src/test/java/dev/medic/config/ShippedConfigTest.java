package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * conf/medic.conf, installed as /etc/medic/medic.conf, names every key medic accepts and shows the embedded
 * defaults, and every config of conf/examples passes validation.
 *
 * <p>The keys medic accepts are the ones its readers pass to {@code rejectUnknown}, recorded by
 * {@link ObjectReader#acceptedKeys()} for every object a load reaches. The test loads the shipped file twice:
 * as an operator would uncomment it (it must be valid), and with its alternative lines ({@code #   # key = ...})
 * uncommented too (not valid: {@code bot-token-file} beside {@code bot-token-env}), so that the objects only an
 * alternative names are reached as well. An object no config reaches cannot tell its keys, but its own key is
 * then missing at its parent, which is reached: the shipped file has to name it, and once it does, the
 * object is reached. A key that a reader takes without {@code rejectUnknown} (a target's name, an HTTP header)
 * is free-form and not checked.
 */
class ShippedConfigTest {
    private static final Path SHIPPED = Path.of("conf/medic.conf");
    private static final Path EXAMPLES = Path.of("conf/examples");
    /** A commented-out key, object or list item inside the block: an alternative, not prose. */
    private static final Pattern ALTERNATIVE = Pattern.compile("^(\\s*)# ?(\\{|[a-z][a-z0-9-]*\\s*[={])");
    private static final Pattern SECRET_FILE = Pattern.compile("\"/etc/medic/([A-Za-z0-9._-]+)\"");

    @TempDir
    Path dir;

    @Test
    void theShippedConfNamesEveryKeyMedicAccepts() throws Exception {
        loadBothForms();
        Set<String> named = keysOf(ConfigFactory.parseString(String.join("\n", withAlternatives())).root(), "");

        List<String> missing = new ArrayList<>();
        ObjectReader.acceptedKeys().forEach((shape, keys) -> keys.stream()
                .map(key -> join(shape, key)).filter(key -> !named.contains(key)).forEach(missing::add));

        assertEquals(List.of(), missing, "keys medic accepts that conf/medic.conf does not name");
        // The objects that only an alternative line names were reached too, so their keys were compared.
        assertTrue(ObjectReader.acceptedKeys().containsKey("medic.targets.*.redis"), "alternatives were loaded");
    }

    @Test
    void everyKeyTheShippedConfNamesIsOneMedicAccepts() throws Exception {
        loadBothForms();
        Map<String, Set<String>> accepted = ObjectReader.acceptedKeys();
        Set<String> named = keysOf(ConfigFactory.parseString(String.join("\n", withAlternatives())).root(), "");

        List<String> unknown = new ArrayList<>();
        for (String key : named) {
            int dot = key.lastIndexOf('.');
            String shape = dot < 0 ? "" : key.substring(0, dot);
            // Only objects whose keys medic checks: a target's name and an HTTP header's are the operator's.
            if (accepted.containsKey(shape) && !accepted.get(shape).contains(key.substring(dot + 1))) {
                unknown.add(key);
            }
        }

        assertEquals(List.of(), unknown, "keys in conf/medic.conf that medic would reject");
    }

    @Test
    void theShippedConfShowsTheEmbeddedDefaultsOrSaysWhatTheDefaultIs() throws Exception {
        List<String> lines = uncommented();
        Config shipped = ConfigFactory.parseString(String.join("\n", lines));
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");

        List<String> wrong = new ArrayList<>();
        for (String path : leaves(reference.root(), "")) {
            ConfigValue expected = reference.getValue(path);
            if (!shipped.hasPathOrNull(path)) {
                wrong.add(path + ": not in conf/medic.conf");
                continue;
            }
            ConfigValue shown = shipped.getValue(path);
            String line = lines.get(shown.origin().lineNumber() - 1);
            if (!render(shown).equals(render(expected)) && !line.contains("default " + text(expected))) {
                wrong.add(path + ": shows " + render(shown) + " but the default is " + render(expected)
                        + " and its line does not say \"default " + text(expected) + "\"");
            }
        }

        assertEquals(List.of(), wrong);
    }

    @Test
    void theShippedConfUncommentedIsAValidConfiguration() throws Exception {
        MedicConfig c = loadUncommented();

        assertFalse(c.targets().isEmpty());
        assertEquals(4, c.notifications().channels().size(), "every channel is shown");
        assertTrue(c.heartbeat().isPresent());
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleConfigPassesValidation(Path example) throws Exception {
        MedicConfig c = ConfigLoader.load(List.of(withSecretFiles(example.getFileName().toString(),
                Files.readString(example))));

        assertFalse(c.targets().isEmpty(), example + " watches something");
    }

    @Test
    void thereIsAnExampleForEachStackOfUsersMd() throws Exception {
        List<String> names = examples().map(p -> p.getFileName().toString()).toList();

        for (String stack : List.of("flask-gunicorn-host-units.conf", "fastapi-redis-celery.conf",
                "crm-stopped-bot.conf", "tls-and-host.conf")) {
            assertTrue(names.contains(stack), stack + " in " + names);
        }
    }

    /** Each row: a reader's path and the shape its accepted keys are recorded under. */
    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
        ''                                      | ''
        medic                                   | medic
        medic.targets.api.http                  | medic.targets.*.http
        medic.targets."a.b".http.expect-json    | medic.targets.*.http.expect-json
        medic.targets.api.escalation[12]        | medic.targets.*.escalation[]
        medic.escalation[0]                     | medic.escalation[]
        medic.notify.telegram                   | medic.notify.telegram
        """)
    void aReadersPathIsRecordedByItsShapeWithoutTheTargetsName(String path, String shape) {
        assertEquals(Optional.of(shape), ObjectReader.shapeOf(path));
    }

    /** Both forms, so that every object either names is reached and its accepted keys recorded. */
    private void loadBothForms() throws IOException, ConfigRejectedException {
        loadUncommented();
        Path alternatives = withSecretFiles("alternatives.conf", String.join("\n", withAlternatives()));
        assertThrows(ConfigRejectedException.class, () -> ConfigLoader.load(List.of(alternatives)));
    }

    private MedicConfig loadUncommented() throws IOException, ConfigRejectedException {
        return ConfigLoader.load(List.of(withSecretFiles("medic.conf", String.join("\n", uncommented()))));
    }

    /** The block from {@code # medic {} on, each line with its first {@code #} taken off, as an operator would. */
    private static List<String> uncommented() throws IOException {
        List<String> lines = Files.readAllLines(SHIPPED);
        int start = lines.indexOf("# medic {");
        assertTrue(start >= 0, "conf/medic.conf has its block at a line \"# medic {\"");
        return lines.subList(start, lines.size()).stream().map(l -> l.replaceFirst("^# ?", "")).toList();
    }

    /** {@link #uncommented()} with the alternatives uncommented as well. */
    private static List<String> withAlternatives() throws IOException {
        return uncommented().stream().map(l -> {
            Matcher m = ALTERNATIVE.matcher(l);
            return m.find() ? m.group(1) + l.substring(m.start(2)) : l;
        }).toList();
    }

    /** {@code text} as a file of the test's directory, with the secret files it names under /etc/medic made there. */
    private Path withSecretFiles(String name, String text) throws IOException {
        Matcher m = SECRET_FILE.matcher(text);
        while (m.find()) {
            String file = m.group(1);
            Files.writeString(dir.resolve(file), file.endsWith(".url") ? "https://hooks.example.com/services/x"
                    : file.endsWith(".headers") ? "Authorization: Bearer x" : "s3cret");
        }
        return ConfigFiles.write(dir, name, text.replace("\"/etc/medic/", "\"" + dir + "/"));
    }

    /**
     * Every key of {@code object} and below, as "shape.key": a target's name is {@code *} and a list item
     * {@code []}, as in {@link ObjectReader#acceptedKeys()}.
     */
    private static Set<String> keysOf(ConfigObject object, String shape) {
        Set<String> keys = new TreeSet<>();
        object.forEach((key, value) -> {
            keys.add(join(shape, key));
            String below = shape.equals("medic.targets") ? "medic.targets.*" : join(shape, ConfigUtil.joinPath(key));
            keys.addAll(keysBelow(value, below));
        });
        return keys;
    }

    private static Set<String> keysBelow(ConfigValue value, String shape) {
        if (value.valueType() == ConfigValueType.OBJECT) {
            return keysOf((ConfigObject) value, shape);
        }
        Set<String> keys = new TreeSet<>();
        if (value.valueType() == ConfigValueType.LIST) {
            for (ConfigValue item : (ConfigList) value) {
                keys.addAll(keysBelow(item, shape + "[]"));
            }
        }
        return keys;
    }

    private static String join(String shape, String key) {
        return shape.isEmpty() ? key : shape + "." + key;
    }

    /** The paths of every value that is not an object (lists included), as Typesafe Config paths. */
    private static List<String> leaves(ConfigObject object, String path) {
        List<String> out = new ArrayList<>();
        object.forEach((key, value) -> {
            String p = path.isEmpty() ? ConfigUtil.joinPath(key) : path + "." + ConfigUtil.joinPath(key);
            if (value.valueType() == ConfigValueType.OBJECT) {
                out.addAll(leaves((ConfigObject) value, p));
            } else {
                out.add(p);
            }
        });
        return out;
    }

    private static String render(ConfigValue v) {
        return v.render(ConfigRenderOptions.concise());
    }

    /** A value as the file's comments write it: a string bare (or {@code ""}), anything else as JSON. */
    private static String text(ConfigValue v) {
        if (v.valueType() == ConfigValueType.STRING) {
            String s = (String) v.unwrapped();
            return s.isEmpty() ? "\"\"" : s;
        }
        return render(v);
    }
}
