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
import java.util.Optional;
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

    /**
     * A compose file to read: where its relative paths resolve, and for an extended file the one service compose
     * takes from it (the others' files are never read).
     */
    private record Pending(Path file, Path base, Optional<String> onlyService) {
    }

    /** What the compose files {@code files} of the project in {@code projectDir} make compose read. */
    static Result of(Path projectDir, List<Path> files) {
        List<Reference> found = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        Set<String> read = new LinkedHashSet<>();
        Deque<Pending> queue = new ArrayDeque<>();
        // A given file that is not there is doctor's finding already, not one of these.
        files.stream().filter(Files::isRegularFile).forEach(f -> queue.add(new Pending(f, projectDir,
                Optional.empty())));
        int parsed = 0;
        while (!queue.isEmpty()) {
            Pending next = queue.poll();
            if (!read.add(next.file().toAbsolutePath().normalize() + "#" + next.onlyService().orElse("*"))) {
                continue;
            }
            if (++parsed > MAX_FILES) {
                notChecked.add(next.file() + ": more than " + MAX_FILES + " compose files to follow; doctor checks no"
                        + " further (docker compose config shows what compose reads)");
                break;
            }
            JsonNode root;
            try {
                root = parse(next.file());
            } catch (IOException e) {
                notChecked.add(next.file() + ": " + e.getMessage());
                continue;
            }
            List<Found> here = new ArrayList<>();
            references(root, next, here, notChecked);
            for (Found r : here) {
                Reference ref = r.reference();
                Path at = ref.path().toAbsolutePath().normalize();
                if (found.stream().noneMatch(f -> f.path().equals(at))) {
                    found.add(new Reference(at, ref.required(), ref.composeFile(), ref.why()));
                }
                if (ref.composeFile() && Files.isRegularFile(at)) {
                    queue.add(new Pending(at, r.base().orElse(at.getParent()), r.onlyService()));
                }
            }
        }
        return new Result(found, notChecked);
    }

    /** A reference as found in one file, with how to read it when it is a compose file itself. */
    private record Found(Reference reference, Optional<Path> base, Optional<String> onlyService) {
    }

    private static JsonNode parse(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file; compose cannot read it either");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than " + (MAX_BYTES >> 10) + " KB, so doctor does not read it; docker"
                    + " compose config shows what it names");
        }
        try {
            JsonNode root = YAML.readTree(bytes);
            return root == null ? YAML.createObjectNode() : root;
        } catch (JacksonException e) {
            throw new IOException("not YAML compose can read (" + e.getOriginalMessage() + "); docker compose config"
                    + " says where");
        }
    }

    private static void references(JsonNode root, Pending from, List<Found> out, List<String> notChecked) {
        Path file = from.file();
        Path base = from.base();
        if (from.onlyService().isEmpty()) {
            for (JsonNode include : list(root.path("include"))) {
                // A path, or { path: a path or a list, project_directory, env_file: a path or a list }. The included
                // project's relative paths resolve against its project_directory, by default its first file's
                // directory; without env_file, compose reads .env there if it exists.
                JsonNode paths = include.isObject() ? include.path("path") : include;
                Optional<Path> projectDir = include.isObject() && include.path("project_directory").isTextual()
                        ? resolve(include.path("project_directory").asText(), base) : Optional.empty();
                boolean first = true;
                for (JsonNode p : list(paths)) {
                    Optional<Path> included = add(p, true, true, "include in " + file, base, out, notChecked,
                            projectDir, Optional.empty());
                    if (first && included.isPresent()) {
                        Path dir = projectDir.orElse(included.get().toAbsolutePath().normalize().getParent());
                        if (!include.isObject() || include.path("env_file").isMissingNode()) {
                            out.add(new Found(new Reference(dir.resolve(".env"), false, false, ".env of an include in "
                                    + file), Optional.empty(), Optional.empty()));
                        }
                    }
                    first = false;
                }
                if (include.isObject()) {
                    for (JsonNode e : list(include.path("env_file"))) {
                        add(e, true, false, "env_file of an include in " + file, base, out, notChecked,
                                Optional.empty(), Optional.empty());
                    }
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            if (from.onlyService().isPresent() && !from.onlyService().get().equals(service.getKey())) {
                continue;
            }
            String of = " of service " + service.getKey() + " in " + file;
            for (JsonNode e : list(service.getValue().path("env_file"))) {
                // A path, or { path, required } (compose 2.24 and later).
                boolean required = !e.isObject() || e.path("required").asBoolean(true);
                add(e.isObject() ? e.path("path") : e, required, false, "env_file" + of, base, out, notChecked,
                        Optional.empty(), Optional.empty());
            }
            JsonNode extendsNode = service.getValue().path("extends");
            JsonNode extendsFile = extendsNode.path("file");
            if (!extendsFile.isMissingNode()) {
                // Compose takes only the named service from the extended file; relative paths there resolve
                // against that file's directory.
                add(extendsFile, true, true, "extends" + of, base, out, notChecked, Optional.empty(),
                        Optional.of(extendsNode.path("service").asText(service.getKey())));
            }
        }
    }

    private static Optional<Path> resolve(String text, Path base) {
        if (text.contains("$")) {
            return Optional.empty();
        }
        try {
            return Optional.of(base.resolve(text));
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
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

    /** Adds the reference {@code path} names, if it names one that can be checked; returns where it is. */
    private static Optional<Path> add(JsonNode path, boolean required, boolean composeFile, String why, Path base,
                                      List<Found> out, List<String> notChecked, Optional<Path> readBase,
                                      Optional<String> onlyService) {
        if (!path.isTextual() || path.asText().isBlank()) {
            return Optional.empty(); // compose rejects it itself; a project restart says so.
        }
        String text = path.asText();
        if (text.contains("$")) {
            notChecked.add(FieldText.quote(text) + " (" + why + "): compose interpolates it, so doctor cannot check"
                    + " it; docker compose config shows what it becomes");
            return Optional.empty();
        }
        Optional<Path> p = resolve(text, base);
        if (p.isEmpty()) {
            notChecked.add(FieldText.quote(text) + " (" + why + "): not a path compose can use; correct it");
            return Optional.empty();
        }
        out.add(new Found(new Reference(p.get(), required, composeFile, why), readBase, onlyService));
        return p;
    }
}
