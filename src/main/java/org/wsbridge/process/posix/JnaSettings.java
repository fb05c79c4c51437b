package org.wsbridge.process.posix;

/**
 * JVM-wide JNA settings that must be in place before JNA loads its first library.
 *
 * <p>On Linux, JNA builds its default library search path by running {@code /sbin/ldconfig -p} through the
 * JDK's process API the first time it loads a library. That would start the JDK's process reaper next to
 * wsbridge's own, which waits for every child (SPEC §7), and cost a fork at start-up. wsbridge only loads the
 * C library by its soname ({@code libc.so.6}), which the dynamic linker finds by itself, so an explicit, empty
 * platform path is enough and nothing is started.
 */
final class JnaSettings {
    private static final String PLATFORM_PATH = "jna.platform.library.path";

    private JnaSettings() {
    }

    static void apply() {
        if (System.getProperty(PLATFORM_PATH) == null) {
            System.setProperty(PLATFORM_PATH, "");
        }
    }
}
