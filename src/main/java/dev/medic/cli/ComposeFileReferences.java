package dev.medic.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.medic.core.FieldText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files compose reads besides the compose files it is given, as {@code medic doctor} finds them in those
 * files: each service's {@code env_file}, {@code extends.file}, and the top-level {@code include} (with what
 * the included and extended files name in turn). Doctor then checks that the service user may read each one.
 *
 * <p>The compose files are the operator's, but the paths to them come from container labels, so reading is
 * bounded: at most {@link #MAX_BYTES} per file, {@link #MAX_FILES} files in all, and a file that is too big, is
 * not YAML or cannot be read is reported rather than followed. A path compose would interpolate ({@code ${X}})
 * is reported as not checked. Relative paths are resolved as compose does: in a file given to compose, against
 * the project's directory; in an included or extended file, against that file's own directory. Stateless.
 */
final class ComposeFileReferences {
    static final long MAX_BYTES = 1 << 20;
    static final int MAX_FILES = 64;

    /**
     * A file compose reads.
     *
     * @param path where it is
     * @param required whether compose fails without it ({@code env_file} entries with {@code required: false}
     *        do not)
     * @param composeFile whether it is a compose file (included or extended), whose own references count too
     * @param why what names it, for doctor's line: "env_file of service web in /srv/app/compose.yaml"
     */
    record Reference(Path path, boolean required, boolean composeFile, String why) {
    }

    /**
     * What was found.
     *
     * @param references the files, each once, in the order found
     * @param notChecked what could not be followed, each with its reason
     */
    record Result(List<Reference> references, List<String> notChecked) {
        Result {
            references = List.copyOf(references);
            notChecked = List.copyOf(notChecked);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ComposeFileReferences() {
    }

    /** What the compose files {@code files} of the project in {@code projectDir} make compose read. */
    static Result of(Path projectDir, List<Path> files) {
        List<Reference> found = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        Set<Path> read = new LinkedHashSet<>(files.stream().map(p -> p.toAbsolutePath().normalize()).toList());
        Deque<Path[]> queue = new ArrayDeque<>();
        // Each entry: the file to read and the directory its relative paths resolve against.
        // A given file that is not there is doctor's finding already, not one of these.
        files.stream().filter(Files::isRegularFile).forEach(f -> queue.add(new Path[] {f, projectDir}));
        int parsed = 0;
        while (!queue.isEmpty()) {
            Path[] next = queue.poll();
            Path file = next[0];
            Path base = next[1];
            if (++parsed > MAX_FILES) {
                notChecked.add(file + ": more than " + MAX_FILES + " compose files; the rest are not checked");
                break;
            }
            JsonNode root;
            try {
                root = parse(file);
            } catch (IOException e) {
                notChecked.add(file + ": " + e.getMessage());
                continue;
            }
            List<Reference> here = new ArrayList<>();
            references(root, file, base, here, notChecked);
            for (Reference r : here) {
                Path at = r.path().toAbsolutePath().normalize();
                if (found.stream().noneMatch(f -> f.path().equals(at))) {
                    found.add(new Reference(at, r.required(), r.composeFile(), r.why()));
                }
                if (r.composeFile() && read.add(at) && Files.isRegularFile(at)) {
                    queue.add(new Path[] {at, at.getParent()});
                }
            }
        }
        return new Result(found, notChecked);
    }

    private static JsonNode parse(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than " + (MAX_BYTES >> 10) + " KB; what it names is not checked");
        }
        try {
            JsonNode root = YAML.readTree(bytes);
            return root == null ? YAML.createObjectNode() : root;
        } catch (JacksonException e) {
            throw new IOException("not YAML compose can read (" + e.getOriginalMessage() + ")");
        }
    }

    private static void references(JsonNode root, Path file, Path base, List<Reference> out, List<String> notChecked) {
        for (JsonNode include : list(root.path("include"))) {
            // A path, or { path: a path or a list, env_file: a path or a list }.
            JsonNode paths = include.isObject() ? include.path("path") : include;
            for (JsonNode p : list(paths)) {
                add(p, true, true, "include in " + file, base, out, notChecked);
            }
            if (include.isObject()) {
                for (JsonNode e : list(include.path("env_file"))) {
                    add(e, true, false, "env_file of an include in " + file, base, out, notChecked);
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            String of = " of service " + service.getKey() + " in " + file;
            for (JsonNode e : list(service.getValue().path("env_file"))) {
                // A path, or { path, required } (compose 2.24 and later).
                boolean required = !e.isObject() || e.path("required").asBoolean(true);
                add(e.isObject() ? e.path("path") : e, required, false, "env_file" + of, base, out, notChecked);
            }
            JsonNode extendsFile = service.getValue().path("extends").path("file");
            if (!extendsFile.isMissingNode()) {
                add(extendsFile, true, true, "extends" + of, base, out, notChecked);
            }
        }
    }

    private static List<JsonNode> list(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            node.forEach(items::add);
            return items;
        }
        return List.of(node);
    }

    private static void add(JsonNode path, boolean required, boolean composeFile, String why, Path base,
                            List<Reference> out, List<String> notChecked) {
        if (!path.isTextual() || path.asText().isBlank()) {
            return; // compose rejects it itself; a project restart says so.
        }
        String text = path.asText();
        if (text.contains("$")) {
            notChecked.add(FieldText.quote(text) + " (" + why + "): compose interpolates it, so it is"
                    + " not checked");
            return;
        }
        Path p;
        try {
            p = base.resolve(text);
        } catch (java.nio.file.InvalidPathException e) {
            notChecked.add(FieldText.quote(text) + " (" + why + "): not a path");
            return;
        }
        out.add(new Reference(p, required, composeFile, why));
    }
}
