package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.cli.ComposeFileReferences.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files compose reads besides the ones it is given, found in real compose files in a temporary directory. */
class ComposeFileReferencesTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    private static List<String> paths(ComposeFileReferences.Result r, Path base) {
        return r.references().stream().map(x -> (x.path().startsWith(base) ? base.relativize(x.path()) : x.path())
                + (x.required() ? "" : "?")).toList();
    }

    @Test
    void envFilesInEveryFormComposeTakesAndExtendsAndIncludeFollowedToWhatTheyName() throws Exception {
        Path compose = write("compose.yaml", """
                include:
                  - db/compose.yaml
                  - path: [cache/compose.yaml]
                    env_file: cache/cache.env
                services:
                  web:
                    image: nginx
                    env_file: web.env
                  worker:
                    extends: { file: common/base.yaml, service: base }
                    env_file:
                      - /etc/shop/worker.env
                      - path: ./optional.env
                        required: false
                """);
        write("db/compose.yaml", "services:\n  db:\n    env_file: [db.env]\n");
        write("common/base.yaml", "services:\n  base:\n    env_file: base.env\n");

        ComposeFileReferences.Result r = ComposeFileReferences.of(dir, List.of(compose));

        // Relative paths of the given file resolve against the project's directory; of an included or extended
        // file against its own directory. A file that does not exist is still named (doctor says it is missing).
        // An include without env_file makes compose read .env in the included project's directory, if it is there.
        assertEquals(List.of("db/compose.yaml", "db/.env?", "cache/compose.yaml", "cache/cache.env", "web.env",
                "/etc/shop/worker.env", "optional.env?", "common/base.yaml", "db/db.env", "common/base.env"),
                paths(r, dir));
        assertEquals(List.of(), r.notChecked());
        Reference web = r.references().get(4);
        assertEquals("env_file of service web in " + compose, web.why());
        assertTrue(r.references().get(0).composeFile());
    }

    @Test
    void whatCannotBeFollowedIsSaidAndNotGuessed() throws Exception {
        Path compose = write("compose.yaml", """
                include: [broken.yaml, big.yaml]
                services:
                  web:
                    env_file: ${CONF_DIR}/web.env
                """);
        write("broken.yaml", "services: [unclosed\n");
        write("big.yaml", "#" + "x".repeat((int) ComposeFileReferences.MAX_BYTES) + "\n");

        ComposeFileReferences.Result r = ComposeFileReferences.of(dir, List.of(compose));

        assertEquals(List.of("broken.yaml", ".env?", "big.yaml"), paths(r, dir));
        assertEquals(3, r.notChecked().size(), r.notChecked().toString());
        assertTrue(r.notChecked().get(0).startsWith("\"${CONF_DIR}/web.env\" (env_file of service web in " + compose
                + "): compose interpolates it"), r.notChecked().toString());
        assertTrue(r.notChecked().get(1).startsWith(dir.resolve("broken.yaml") + ": not YAML compose can read"),
                r.notChecked().toString());
        assertEquals(dir.resolve("big.yaml") + ": larger than 1024 KB, so doctor does not read it; docker compose"
                + " config shows what it names",
                r.notChecked().get(2));
    }

    @Test
    void includesThatIncludeEachOtherAreReadOnceAndAGivenFileThatIsMissingIsNotReadAtAll() throws Exception {
        Path a = write("a.yaml", "include: [b.yaml]\n");
        write("b.yaml", "include: [a.yaml]\nservices: { x: { env_file: x.env } }\n");

        ComposeFileReferences.Result r = ComposeFileReferences.of(dir, List.of(a, dir.resolve("missing.yaml")));

        assertEquals(List.of("b.yaml", ".env?", "a.yaml", "x.env"), paths(r, dir));
        assertEquals(List.of(), r.notChecked());
    }

    @Test
    void anExtendedFileGivesOnlyTheNamedServicesFiles() throws Exception {
        Path compose = write("compose.yaml", """
                services:
                  worker:
                    extends: { file: lib/common.yaml, service: celery }
                """);
        write("lib/common.yaml", """
                services:
                  celery: { env_file: celery.env }
                  flower: { env_file: flower-only.env, extends: { file: other.yaml, service: x } }
                """);

        ComposeFileReferences.Result r = ComposeFileReferences.of(dir, List.of(compose));

        assertEquals(List.of("lib/common.yaml", "lib/celery.env"), paths(r, dir));
    }

    @Test
    void anIncludesProjectDirectoryIsWhereItsRelativePathsAndItsEnvResolve() throws Exception {
        Path compose = write("compose.yaml", """
                include:
                  - path: ../shared/db.yaml
                    project_directory: ../dbproject
                """);
        Files.createDirectories(dir.resolve("dbproject"));
        write("shared/db.yaml", "services:\n  db:\n    env_file: db.env\n");

        ComposeFileReferences.Result r = ComposeFileReferences.of(dir.resolve("app"), List.of(compose));

        assertEquals(List.of("shared/db.yaml", "dbproject/.env?", "dbproject/db.env"), paths(r, dir));
    }
}
