package org.wsbridge.process.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    private static final int MIN_BLOCK = 4096;

    // Registered before the fields below: building ATTR already calls into the C library.
    static {
        JnaSettings.apply();
        Native.register(Platform.C_LIBRARY_NAME);
    }

    /** glibc 2.34+; elsewhere every descriptor from 3 up is marked close-on-exec before spawning. */
    private static final boolean HAS_CLOSEFROM = Extensions.ClosefromNp.AVAILABLE;
    /** glibc 2.29+. */
    private static final boolean HAS_CHDIR = Extensions.ChdirNp.AVAILABLE;

    /**
     * The attributes are the same for every child, and posix_spawn only reads them, so one set built at start-up
     * serves every thread. It is never destroyed: it lives as long as the JVM.
     */
    private static final Memory ATTR = newAttr();

    /** Native memory each spawning thread (an event loop) reuses instead of allocating per spawn. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Spawn() {
    }

    // Pointers are passed as raw addresses (long): the memory is Spawn's own, and no Pointer object is needed.
    private static native int posix_spawnp(int[] pid, long file, long fileActions, long attr, long argv, long envp);

    private static native int posix_spawn_file_actions_init(long fileActions);

    private static native int posix_spawn_file_actions_destroy(long fileActions);

    private static native int posix_spawn_file_actions_adddup2(long fileActions, int fd, int newFd);

    // glibc copies the path into the file actions.
    private static native int posix_spawn_file_actions_addopen(long fileActions, int fd, byte[] path, int flags,
                                                               int mode);

    private static native int posix_spawnattr_init(long attr);

    private static native int posix_spawnattr_setflags(long attr, short flags);

    private static native int posix_spawnattr_setsigdefault(long attr, long sigset);

    private static native int posix_spawnattr_setsigmask(long attr, long sigset);

    /**
     * Starts argv[0] (searched in wsbridge's own PATH when it has no slash) with environment env, in cwd if
     * given, with stdin, stdout and stderr dup'ed onto 0, 1 and 2 and every other descriptor closed.
     *
     * @return the child's pid, which is also its process group and session id
     * @throws PosixException with call {@code posix_spawnp} and the reason it could not start
     */
    public static int spawnp(List<byte[]> argv, List<byte[]> env, Optional<byte[]> cwd, int stdin,
                             int stdout, int stderr) throws PosixException {
        // Not a lambda: in C1-compiled code (the launcher's mode) a capturing one is made through a call into the VM.
        return spawn(argv, env, new FileActions() {
            @Override
            public void add(long actions) throws PosixException {
                check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, stdin, 0));
                check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, stdout, 1));
                check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, stderr, 2));
                addCommonActions(actions, cwd);
            }
        });
    }

    /**
     * As {@link #spawnp}, with the terminal slave at slavePath as stdin, stdout and stderr and as the child's
     * controlling terminal: glibc runs setsid before the file actions, and a session leader without a
     * controlling terminal that opens a terminal without O_NOCTTY acquires it.
     */
    public static int spawnOnTerminal(List<byte[]> argv, List<byte[]> env, Optional<byte[]> cwd, String slavePath)
            throws PosixException {
        byte[] path = (slavePath + "\0").getBytes(StandardCharsets.UTF_8);
        return spawn(argv, env, actions -> {
            check("posix_spawn_file_actions_addopen",
                    posix_spawn_file_actions_addopen(actions, 0, path, LibC.O_RDWR, 0));
            check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, 0, 1));
            check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, 0, 2));
            addCommonActions(actions, cwd);
        });
    }

    /** Adds the file actions that set up the child's descriptors. */
    private interface FileActions {
        void add(long actions) throws PosixException;
    }

    private static int spawn(List<byte[]> argv, List<byte[]> env, FileActions fileActions) throws PosixException {
        if (!HAS_CLOSEFROM) {
            markInheritedCloseOnExec();
        }
        Scratch scratch = SCRATCH.get();
        long block = scratch.strings(argv, env);
        long actions = scratch.actions;
        check("posix_spawn_file_actions_init", posix_spawn_file_actions_init(actions));
        try {
            fileActions.add(actions);
            int[] pid = new int[1];
            long argvTable = block;
            long envTable = block + (long) (argv.size() + 1) * Long.BYTES;
            check("posix_spawnp", posix_spawnp(pid, scratch.firstString, actions, Pointer.nativeValue(ATTR),
                    argvTable, envTable));
            return pid[0];
        } finally {
            posix_spawn_file_actions_destroy(actions);
        }
    }

    /** Closes every inherited descriptor from 3 up, and changes to cwd if given. */
    private static void addCommonActions(long actions, Optional<byte[]> cwd) throws PosixException {
        if (HAS_CLOSEFROM) {
            check("posix_spawn_file_actions_addclosefrom_np",
                    Extensions.ClosefromNp.posix_spawn_file_actions_addclosefrom_np(actions,
                            FIRST_INHERITED_FD_TO_CLOSE));
        }
        if (cwd.isPresent()) {
            if (!HAS_CHDIR) {
                throw new PosixException("posix_spawn_file_actions_addchdir_np", Errno.ENOSYS);
            }
            // glibc copies the path into the file actions, so a Java array (copied for the call) will do.
            byte[] path = Arrays.copyOf(cwd.get(), cwd.get().length + 1);
            check("posix_spawn_file_actions_addchdir_np",
                    Extensions.ChdirNp.posix_spawn_file_actions_addchdir_np(actions, path));
        }
    }

    private static Memory newAttr() {
        Memory attr = new Memory(ATTR_SIZE);
        long address = Pointer.nativeValue(attr);
        try (Memory allSignals = new Memory(Signals.SIGSET_SIZE); Memory noSignals = new Memory(Signals.SIGSET_SIZE)) {
            check("posix_spawnattr_init", posix_spawnattr_init(address));
            // Every bit set, not sigfillset: glibc's full set leaves out its internal signals 32 and 33, which
            // posix_spawn then sets to SIG_IGN in the child, and ignores survive exec.
            allSignals.setMemory(0, Signals.SIGSET_SIZE, (byte) 0xff);
            Signals.sigemptyset(noSignals);
            check("posix_spawnattr_setsigdefault",
                    posix_spawnattr_setsigdefault(address, Pointer.nativeValue(allSignals)));
            check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(address, Pointer.nativeValue(noSignals)));
            check("posix_spawnattr_setflags", posix_spawnattr_setflags(address,
                    (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)));
        } catch (PosixException e) {
            throw new IllegalStateException("cannot prepare spawn attributes: " + e.getMessage(), e);
        }
        return attr;
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

    private static void check(String call, int result) throws PosixException {
        if (result != 0) {
            throw new PosixException(call, result);
        }
    }

    /** One thread's file actions and string block, kept between spawns (a spawn never outlives its call). */
    private static final class Scratch {
        final Memory actionsMemory = new Memory(FILE_ACTIONS_SIZE);
        final long actions = Pointer.nativeValue(actionsMemory);
        private Memory block;
        private ByteBuffer view;
        private long address;
        /** Address of argv[0]'s bytes in the block, set by {@link #strings}. */
        long firstString;

        /**
         * Lays out argv's and env's NULL-terminated {@code char *[]} tables, then all their NUL-terminated
         * strings, in the reused block (one copy from the Java arrays, no JNI call per string); returns its address.
         */
        long strings(List<byte[]> argv, List<byte[]> env) {
            int tables = (argv.size() + env.size() + 2) * Long.BYTES;
            long size = tables;
            for (byte[] s : argv) {
                size += s.length + 1;
            }
            for (byte[] s : env) {
                size += s.length + 1;
            }
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("arguments and environment too large");
            }
            ensure((int) size);
            int offset = tables;
            int slot = 0;
            firstString = address + offset;
            offset = put(argv, slot, offset);
            slot += argv.size() + 1;
            put(env, slot, offset);
            return address;
        }

        private int put(List<byte[]> strings, int firstSlot, int offset) {
            int slot = firstSlot;
            for (byte[] s : strings) {
                view.putLong(slot++ * Long.BYTES, address + offset);
                view.put(offset, s);
                offset += s.length;
                view.put(offset++, (byte) 0);
            }
            view.putLong(slot * Long.BYTES, 0L);
            return offset;
        }

        private void ensure(int size) {
            if (block != null && block.size() >= size) {
                return;
            }
            if (block != null) {
                block.close();
            }
            int capacity = Math.max(MIN_BLOCK, Integer.highestOneBit(Math.max(size - 1, 1)) << 1);
            block = new Memory(capacity);
            address = Pointer.nativeValue(block);
            view = block.getByteBuffer(0, capacity).order(ByteOrder.nativeOrder());
        }
    }

    /** glibc functions that older versions lack, each registered on its own so that a missing one is no error. */
    private static final class Extensions {
        private Extensions() {
        }

        static final class ClosefromNp {
            static final boolean AVAILABLE = register(ClosefromNp.class);

            static native int posix_spawn_file_actions_addclosefrom_np(long fileActions, int lowFd);
        }

        static final class ChdirNp {
            static final boolean AVAILABLE = register(ChdirNp.class);

            static native int posix_spawn_file_actions_addchdir_np(long fileActions, byte[] path);
        }

        private static boolean register(Class<?> holder) {
            try {
                Native.register(holder, Platform.C_LIBRARY_NAME);
                return true;
            } catch (UnsatisfiedLinkError | IllegalArgumentException e) {
                return false;
            }
        }
    }
}
