package dev.medic.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Handles HOCON {@code include} with the limits of a top-level file: only files, each a regular file
 * that passes {@link ConfigShape}. Typesafe's own includer would read {@code include file("/dev/zero")}
 * until the heap is gone, block on a FIFO, and fetch {@code include url(...)} with no timeout. A refused
 * include is recorded as a problem and reads as empty, so the rest of the file is still checked.
 * One per load; not thread-safe.
 */
final class BoundedIncluder implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL,
        ConfigIncluderClasspath {
    private final Path includingFile;
    private final List<ConfigProblem> problems;
    private final Consumer<Path> named;

    BoundedIncluder(Path includingFile, List<ConfigProblem> problems) {
        this(includingFile, problems, p -> { });
    }

    /** As the other, telling {@code named} every file an include names, whether it exists or not. */
    BoundedIncluder(Path includingFile, List<ConfigProblem> problems, Consumer<Path> named) {
        this.includingFile = includingFile;
        this.problems = problems;
        this.named = named;
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return this;
    }

    /** {@code include "name"}: a file next to the including one (medic reads no classpath or URL configs). */
    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        Path target = Path.of(what);
        if (!target.isAbsolute()) {
            Path dir = includingFile.toAbsolutePath().getParent();
            target = dir == null ? target : dir.resolve(what);
        }
        return includeFile(context, target.toFile());
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
        Path file = what.toPath();
        named.accept(file);
        if (!Files.exists(file)) {
            // HOCON's include is optional unless required(...): a missing file adds nothing.
            return empty(context);
        }
        if (!Files.isRegularFile(file)) {
            return refuse(context, "include " + file + ": not a regular file");
        }
        Optional<ConfigProblem> shape = ConfigShape.check(file);
        if (shape.isPresent()) {
            problems.add(shape.get());
            return empty(context);
        }
        ConfigParseOptions options = context.parseOptions().setIncluder(new BoundedIncluder(file, problems, named));
        return ConfigFactory.parseFile(file.toFile(), options).root();
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
        return refuse(context, "include url(" + what + "): medic reads its configuration from files only");
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
        return refuse(context, "include classpath(" + what + "): medic reads its configuration from files only");
    }

    private ConfigObject refuse(ConfigIncludeContext context, String why) {
        problems.add(new ConfigProblem(includingFile.toString(), 0, "", why));
        return empty(context);
    }

    private static ConfigObject empty(ConfigIncludeContext context) {
        return ConfigFactory.empty(context.parseOptions().getOriginDescription()).root();
    }
}
