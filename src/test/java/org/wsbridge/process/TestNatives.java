package org.wsbridge.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** Calls only tests need, to put this JVM into the awkward states wsbridge must protect its children from. */
final class TestNatives {
    static final int SIG_BLOCK = 0;
    static final int SIG_SETMASK = 2;
    /** sizeof(struct sigaction) is 152 on x86_64; the handler is its first field. */
    private static final int SIGACTION_SIZE = 256;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private TestNatives() {
    }

    private static native int sigaction(int sig, Pointer act, Pointer oldAct) throws LastErrorException;

    static native int pthread_sigmask(int how, Pointer set, Pointer oldSet);

    static native int sigemptyset(Pointer set);

    static native int sigaddset(Pointer set, int sig);

    /** Sets sig's disposition to SIG_IGN and returns the previous action, for {@link #restore}. */
    static Memory ignore(int sig) {
        Memory ignore = new Memory(SIGACTION_SIZE);
        ignore.clear();
        ignore.setPointer(0, new Pointer(1)); // SIG_IGN
        Memory old = new Memory(SIGACTION_SIZE);
        sigaction(sig, ignore, old);
        ignore.close();
        return old;
    }

    static void restore(int sig, Memory oldAction) {
        sigaction(sig, oldAction, Pointer.NULL);
        oldAction.close();
    }

    /** Blocks the signals in the calling thread; returns the previous mask for {@code SIG_SETMASK}. */
    static Memory block(int... signals) {
        Memory set = new Memory(128);
        sigemptyset(set);
        for (int sig : signals) {
            sigaddset(set, sig);
        }
        Memory old = new Memory(128);
        pthread_sigmask(SIG_BLOCK, set, old);
        set.close();
        return old;
    }

    static void setMask(Memory mask) {
        pthread_sigmask(SIG_SETMASK, mask, Pointer.NULL);
        mask.close();
    }
}
