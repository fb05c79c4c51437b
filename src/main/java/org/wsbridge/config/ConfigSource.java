package org.wsbridge.config;

/**
 * Where the configuration comes from, read again when wsbridge gets SIGHUP: the same command line and, with
 * {@code --config}, the file as it is now. Called from the signal's thread, one call at a time.
 */
public interface ConfigSource {
    /**
     * Reads the configuration again.
     *
     * @throws ReloadException when it is no longer valid (a bad file, an unknown key): nothing changes then
     */
    Reload reread() throws ReloadException;
}
