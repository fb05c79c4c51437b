package org.wsbridge.http.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Checks a user's password against the {@code --auth-basic} file. bcrypt takes tens of milliseconds by design and
 * SHA-crypt a few, so checks run on a small bounded pool ({@value #THREADS} threads, {@value #QUEUE} waiting
 * checks; more is "busy"), never on an event loop. A success is remembered for {@value #REMEMBER_MINUTES} minutes
 * as an HMAC of user and password under a key made at startup, tied to the user's hash in the file (a changed hash
 * forgets it), so a client that reconnects often does not pay for the hash each time. An unknown user's password
 * is checked against some listed user's hash (as a rule of the kind and cost of the others; a bcrypt one when the
 * file lists nobody), so the time taken does not tell which users exist. Thread-safe.
 */
final class PasswordCheck {
    static final int THREADS = 2;
    static final int QUEUE = 256;
    static final int REMEMBERED = 1024;
    static final long REMEMBER_MINUTES = 5;

    /** Too many checks are waiting already. */
    static final class Busy extends Exception {
        Busy() {
            super("too many password checks waiting", null, false, false);
        }
    }

    private record Remembered(String hash, byte[] mac, long at) {
    }

    private final WatchedFile<Htpasswd> users;
    private final LongSupplier nanoTime;
    private final ThreadPoolExecutor pool;
    private final SecretKeySpec key;
    private final String unknownUserHash;
    private final Map<String, Remembered> remembered = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
            return size() > REMEMBERED;
        }
    };

    PasswordCheck(WatchedFile<Htpasswd> users, LongSupplier nanoTime) {
        this.users = users;
        this.nanoTime = nanoTime;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                task -> {
                    Thread thread = new Thread(task, "wsbridge-bcrypt-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true); // no thread at all while nobody logs in
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.unknownUserHash = BCrypt.hashpw("unknown user", BCrypt.gensalt(10));
    }

    /** Whether {@code password} is {@code user}'s; fails with {@link Busy} when too many checks wait. */
    CompletableFuture<Boolean> matches(String user, String password) {
        Htpasswd listed = users.current();
        Optional<String> hash = listed.hashOf(user);
        byte[] mac = mac(user, password);
        if (hash.isPresent() && isRemembered(user, hash.get(), mac)) {
            return CompletableFuture.completedFuture(true);
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                String against = hash.or(() -> listed.anyHash()).orElse(unknownUserHash);
                boolean ok = Htpasswd.matches(password, against) && hash.isPresent();
                if (ok) {
                    remember(user, hash.get(), mac);
                }
                return ok;
            }, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new Busy());
        }
    }

    private synchronized boolean isRemembered(String user, String hash, byte[] mac) {
        Remembered entry = remembered.get(user);
        if (entry == null || !entry.hash().equals(hash)
                || nanoTime.getAsLong() - entry.at() > TimeUnit.MINUTES.toNanos(REMEMBER_MINUTES)) {
            return false;
        }
        return MessageDigest.isEqual(entry.mac(), mac);
    }

    private synchronized void remember(String user, String hash, byte[] mac) {
        remembered.put(user, new Remembered(hash, mac, nanoTime.getAsLong()));
    }

    private byte[] mac(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }
}
