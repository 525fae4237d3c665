package dev.medic;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** medic's version, from the build. */
public final class MedicVersion {
    private static final String VERSION = load();

    private MedicVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = MedicVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
