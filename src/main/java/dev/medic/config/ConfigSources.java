package dev.medic.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every file a config is read from: the files given and every file their {@code include}s name, found or not (a
 * missing include reads as empty, so whoever can create it changes the config). For checks of who could change
 * the config, such as the polkit list's. Parses with the same bounded includer as {@link ConfigLoader}; a file
 * that cannot be parsed adds no includes (the load rejects it). Stateless.
 */
public final class ConfigSources {
    private ConfigSources() {
    }

    /** {@code files} and what they include, each once, in the order found. */
    public static List<Path> of(List<Path> files) {
        Set<Path> all = new LinkedHashSet<>(files);
        for (Path f : files) {
            if (!Files.isRegularFile(f) || ConfigShape.check(f).isPresent()) {
                continue;
            }
            List<ConfigProblem> ignored = new ArrayList<>();
            try {
                ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                        .setAllowMissing(false).setIncluder(new BoundedIncluder(f, ignored, all::add)));
            } catch (RuntimeException | StackOverflowError e) {
                // The load reports it; what was named before the failure is kept.
            }
        }
        return List.copyOf(all);
    }
}
