package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Config files for tests, written into a test's directory, and what validate would say of them. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static MedicConfig load(Path dir, String text) throws IOException, ConfigRejectedException {
        return ConfigLoader.load(List.of(write(dir, "medic.conf", text)));
    }

    /** The problems of {@code text} as medic.conf, each as validate prints it with the file's path as "F". */
    static List<String> problemsOf(Path dir, String text) throws IOException {
        Path file = write(dir, "medic.conf", text);
        ConfigRejectedException e = assertThrows(ConfigRejectedException.class, () -> ConfigLoader.load(List.of(file)));
        return e.problems().stream().map(p -> p.toString().replace(file.toString(), "F")).toList();
    }
}
