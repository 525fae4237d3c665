package dev.medic.config;

/**
 * One thing wrong with the configuration, located by file, line and key path.
 * Printed as {@code FILE:LINE: key.path: what is wrong}. Immutable.
 */
public record ConfigProblem(String file, int line, String keyPath, String problem) {
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return keyPath.isEmpty() ? where + ": " + problem : where + ": " + keyPath + ": " + problem;
    }
}
