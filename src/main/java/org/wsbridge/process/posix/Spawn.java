package org.wsbridge.process.posix;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.File;
import java.util.List;
import java.util.Optional;

/**
 * Direct-mapped glibc {@code spawn.h}: starts a program with three given descriptors as its stdio, in a new
 * session, with default signal dispositions and an empty signal mask, and with no other descriptor.
 *
 * <p>{@code posix_spawnp} returns its error number rather than setting errno. glibc (since 2.24, using
 * {@code CLONE_VFORK}) also reports a failed {@code execve} there, so a missing program, a missing
 * interpreter or a file without execute permission is an error here, not a child that exits with 127.
 */
public final class Spawn {
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    static final short POSIX_SPAWN_SETSID = 0x80;
    // sizeof is 80 and 336 bytes in glibc on 64-bit; the extra room guards against layout changes.
    private static final int FILE_ACTIONS_SIZE = 512;
    private static final int ATTR_SIZE = 1024;
    private static final int FIRST_INHERITED_FD_TO_CLOSE = 3;

    /** glibc 2.34+; elsewhere every descriptor from 3 up is marked close-on-exec before spawning. */
    private static final Optional<Function> ADD_CLOSEFROM = optionalFunction("posix_spawn_file_actions_addclosefrom_np");
    /** glibc 2.29+. */
    private static final Optional<Function> ADD_CHDIR = optionalFunction("posix_spawn_file_actions_addchdir_np");

    static {
        JnaSettings.apply();
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Spawn() {
    }

    private static native int posix_spawnp(int[] pid, Pointer file, Pointer fileActions, Pointer attr, Pointer argv,
                                           Pointer envp);

    private static native int posix_spawn_file_actions_init(Pointer fileActions);

    private static native int posix_spawn_file_actions_destroy(Pointer fileActions);

    private static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    private static native int posix_spawnattr_init(Pointer attr);

    private static native int posix_spawnattr_destroy(Pointer attr);

    private static native int posix_spawnattr_setflags(Pointer attr, short flags);

    private static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    private static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    /**
     * Starts argv[0] (searched in wsbridge's own PATH when it has no slash) with environment env, in cwd if
     * given, with stdin, stdout and stderr dup'ed onto 0, 1 and 2 and every other descriptor closed.
     *
     * @return the child's pid, which is also its process group and session id
     * @throws PosixException with call {@code posix_spawnp} and the reason it could not start
     */
    public static int spawnp(List<byte[]> argv, List<byte[]> env, Optional<byte[]> cwd, int stdin, int stdout,
                             int stderr) throws PosixException {
        if (ADD_CLOSEFROM.isEmpty()) {
            markInheritedCloseOnExec();
        }
        try (Memory argvBlock = stringArray(argv); Memory envBlock = stringArray(env);
             Memory actions = new Memory(FILE_ACTIONS_SIZE); Memory attr = new Memory(ATTR_SIZE);
             Memory allSignals = new Memory(Signals.SIGSET_SIZE); Memory noSignals = new Memory(Signals.SIGSET_SIZE)) {
            check("posix_spawn_file_actions_init", posix_spawn_file_actions_init(actions));
            try {
                check("posix_spawnattr_init", posix_spawnattr_init(attr));
                try {
                    addFileActions(actions, cwd, stdin, stdout, stderr);
                    // Every bit set, not sigfillset: glibc's full set leaves out its internal signals 32 and 33,
                    // which posix_spawn then sets to SIG_IGN in the child, and ignores survive exec.
                    allSignals.setMemory(0, Signals.SIGSET_SIZE, (byte) 0xff);
                    Signals.sigemptyset(noSignals);
                    check("posix_spawnattr_setsigdefault", posix_spawnattr_setsigdefault(attr, allSignals));
                    check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(attr, noSignals));
                    check("posix_spawnattr_setflags", posix_spawnattr_setflags(attr,
                            (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)));
                    int[] pid = new int[1];
                    check("posix_spawnp", posix_spawnp(pid, argvBlock.getPointer(0), actions, attr, argvBlock,
                            envBlock));
                    return pid[0];
                } finally {
                    posix_spawnattr_destroy(attr);
                }
            } finally {
                posix_spawn_file_actions_destroy(actions);
            }
        }
    }

    private static void addFileActions(Pointer actions, Optional<byte[]> cwd, int stdin, int stdout, int stderr)
            throws PosixException {
        check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, stdin, 0));
        check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, stdout, 1));
        check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, stderr, 2));
        if (ADD_CLOSEFROM.isPresent()) {
            check("posix_spawn_file_actions_addclosefrom_np",
                    ADD_CLOSEFROM.get().invokeInt(new Object[] {actions, FIRST_INHERITED_FD_TO_CLOSE}));
        }
        if (cwd.isPresent()) {
            Function addChdir = ADD_CHDIR.orElseThrow(
                    () -> new PosixException("posix_spawn_file_actions_addchdir_np", Errno.ENOSYS));
            try (Memory path = cString(cwd.get())) {
                // glibc copies the path into the file actions, so the memory may go right away.
                check("posix_spawn_file_actions_addchdir_np", addChdir.invokeInt(new Object[] {actions, path}));
            }
        }
    }

    /**
     * The JDK and Netty open descriptors without FD_CLOEXEC; without addclosefrom_np they are marked here, on
     * the spawning thread, so that the child inherits only 0, 1 and 2.
     */
    private static void markInheritedCloseOnExec() {
        String[] open = new File("/proc/self/fd").list();
        if (open == null) {
            return;
        }
        for (String name : open) {
            int fd = Integer.parseInt(name);
            if (fd >= FIRST_INHERITED_FD_TO_CLOSE) {
                LibC.setCloseOnExec(fd);
            }
        }
    }

    /** A NULL-terminated {@code char *[]} followed by the NUL-terminated strings it points to, in one block. */
    private static Memory stringArray(List<byte[]> strings) {
        long table = (long) (strings.size() + 1) * Native.POINTER_SIZE;
        long size = table;
        for (byte[] s : strings) {
            size += s.length + 1;
        }
        Memory block = new Memory(size);
        long offset = table;
        for (int i = 0; i < strings.size(); i++) {
            byte[] s = strings.get(i);
            block.write(offset, s, 0, s.length);
            block.setByte(offset + s.length, (byte) 0);
            block.setPointer((long) i * Native.POINTER_SIZE, block.share(offset));
            offset += s.length + 1;
        }
        block.setPointer((long) strings.size() * Native.POINTER_SIZE, Pointer.NULL);
        return block;
    }

    private static Memory cString(byte[] s) {
        Memory m = new Memory(s.length + 1);
        m.write(0, s, 0, s.length);
        m.setByte(s.length, (byte) 0);
        return m;
    }

    private static void check(String call, int result) throws PosixException {
        if (result != 0) {
            throw new PosixException(call, result);
        }
    }

    private static Optional<Function> optionalFunction(String name) {
        try {
            return Optional.of(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction(name));
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }
}
