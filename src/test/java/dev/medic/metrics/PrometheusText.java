package dev.medic.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format for tests: every line must be a HELP or TYPE
 * comment or a sample {@code name{label="value",...} number}; anything else fails the parse.
 */
public final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ([a-z]+)");

    private PrometheusText() {
    }

    /** Every metric family's type by the name its TYPE line gives, e.g. {@code medic_gave_up_total} -> counter. */
    public static Map<String, String> types(String text) {
        parse(text);
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = TYPE.matcher(line);
            if (m.matches()) {
                types.put(m.group(1), m.group(2));
            }
        }
        return types;
    }

    /** Samples by their full series text, e.g. {@code medic_target_up{target="api"}} -> 1.0. */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (!COMMENT.matcher(line).matches()) {
                    throw new IllegalArgumentException("not a HELP or TYPE line: " + line);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            String series = m.group(1) + (m.group(2) == null ? "" : m.group(2));
            samples.put(series, Double.parseDouble(m.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        return samples;
    }
}
