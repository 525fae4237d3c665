package dev.medic.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.docker.ComposeProject;
import dev.medic.heal.ProjectRestartLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ProjectRestartLog} in {@code project-restarts.json} in the state directory, written atomically
 * ({@link AtomicFiles}) at the start of every project restart and once its {@code up} has succeeded. An unreadable file is warned
 * about and treated as empty; a file that cannot be written is warned about once and medic goes on (the
 * restart itself never waits on the disk). Thread-safe: writes are serialised.
 */
public final class ProjectRestartFile implements ProjectRestartLog {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectRestartFile.class);
    private static final String NAME = "project-restarts.json";

    /** One note; {@code envFiles} and {@code services} are absent in notes of older versions. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(String name, String directory, List<String> files, List<String> envFiles, List<String> services) { }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record FileJson(List<Entry> restarting) { }

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Note> open = new LinkedHashMap<>();
    private final List<Note> leftUnfinished;
    private boolean unwritableReported;

    private ProjectRestartFile(Path file) {
        this.file = file;
        this.leftUnfinished = read(file);
        // Until medic has finished them again, the earlier run's restarts stay noted: a second crash keeps them.
        leftUnfinished.forEach(n -> open.put(n.project().name(), n));
    }

    /** The log in {@code stateDir}, reading what an earlier run left there. */
    public static ProjectRestartFile in(Path stateDir) {
        return new ProjectRestartFile(stateDir.resolve(NAME));
    }

    @Override
    public synchronized void begun(Note note) {
        open.put(note.project().name(), note);
        write();
    }

    @Override
    public synchronized void ended(String project) {
        if (open.remove(project) != null) {
            write();
        }
    }

    @Override
    public List<Note> leftUnfinished() {
        return leftUnfinished;
    }

    private List<Note> read(Path f) {
        if (!Files.exists(f)) {
            return List.of();
        }
        try {
            FileJson read = json.readValue(f.toFile(), FileJson.class);
            List<Note> notes = new ArrayList<>();
            for (Entry e : read.restarting() == null ? List.<Entry>of() : read.restarting()) {
                notes.add(new Note(new ComposeProject(e.name(), Path.of(e.directory()), paths(e.files()),
                        paths(e.envFiles())), e.services() == null ? List.of() : e.services()));
            }
            return List.copyOf(notes);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} cannot be read ({}); no interrupted project restart is resumed", f, e.toString());
            return List.of();
        }
    }

    private static List<Path> paths(List<String> names) {
        return names == null ? List.of() : names.stream().map(Path::of).toList();
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(Path::toString).toList();
    }

    private void write() {
        List<Entry> entries = open.values().stream().map(n -> new Entry(n.project().name(),
                n.project().workingDir().toString(), names(n.project().files()), names(n.project().envFiles()),
                n.services())).toList();
        try {
            AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(new FileJson(entries)));
            unwritableReported = false;
        } catch (IOException e) {
            if (!unwritableReported) {
                unwritableReported = true;
                LOG.warn("cannot write {} ({}); a project restart cut short by a crash will not be resumed", file,
                        e.toString());
            }
        }
    }
}
