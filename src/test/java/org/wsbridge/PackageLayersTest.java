package org.wsbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the packages in layers that follow the data (command line → server → HTTP routing → WebSocket →
 * room → relay → request → metrics → process → log → config): a package may use only the packages below it, and config no Netty. Read
 * from the compiled classes' constant pools, so fully qualified names and nested types count too, comments not.
 */
class PackageLayersTest {
    /** Top to bottom; {@code ""} is {@code org.wsbridge} itself ({@code Main}). */
    private static final List<String> LAYERS = List.of("", "cli", "server", "embed", "http", "websocket", "room",
            "relay", "request", "metrics", "process", "log", "config");
    private static final Pattern REFERENCE = Pattern.compile("org/wsbridge/([a-z0-9]+)/");

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException, URISyntaxException {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> upward = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes.resolve("org/wsbridge"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString();
                String layer = layerOf(name);
                seen.add(layer);
                int rank = rank(layer, name);
                List<String> constants = constantStrings(Files.readAllBytes(file));
                for (String used : referencedLayers(constants)) {
                    if (rank(used, name + " -> " + used) < rank) {
                        upward.add(name + " uses " + used);
                    }
                }
                if (layer.equals("config") && constants.stream().anyMatch(c -> c.contains("io/netty/"))) {
                    upward.add(name + " uses Netty (config is plain records)");
                }
            }
        }
        assertTrue(seen.containsAll(Set.of("http", "websocket", "request", "process")), "classes read: " + seen);
        assertEquals(List.of(), upward, "a package uses one above it (layers, top first: " + LAYERS + ")");
    }

    /** {@code org/wsbridge/process/posix/Spawn.class} → {@code process}; {@code org/wsbridge/Main.class} → "". */
    private static String layerOf(String classFile) {
        Matcher m = REFERENCE.matcher(classFile);
        return m.lookingAt() ? m.group(1) : "";
    }

    private static int rank(String layer, String where) {
        int rank = LAYERS.indexOf(layer);
        if (rank < 0) {
            throw new AssertionError("package org.wsbridge." + layer + " (" + where + ") has no layer in " + LAYERS);
        }
        return rank;
    }

    /** The wsbridge packages named in a class file's constants (classes, descriptors, signatures). */
    private static Set<String> referencedLayers(List<String> constants) {
        Set<String> layers = new TreeSet<>();
        for (String constant : constants) {
            Matcher m = REFERENCE.matcher(constant);
            while (m.find()) {
                layers.add(m.group(1));
            }
        }
        return layers;
    }

    /** The text constants (CONSTANT_Utf8) of a class file's constant pool. */
    private static List<String> constantStrings(byte[] classFile) throws IOException {
        List<String> strings = new ArrayList<>();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> strings.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++; // takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return strings;
    }
}
