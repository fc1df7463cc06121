package io.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** {@code --name value} command-line options of the benchmark commands, with defaults. */
final class Args {

  private Args() {
  }

  /** Option names and their default values, alternating. */
  static Map<String, String> defaults(String... namesAndValues) {
    Map<String, String> defaults = new HashMap<>();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      defaults.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return defaults;
  }

  static Map<String, String> parse(String[] args, Map<String, String> defaults) {
    Map<String, String> options = new HashMap<>(defaults);
    for (int i = 0; i < args.length; i++) {
      String name = args[i].replaceFirst("^--", "");
      if (!defaults.containsKey(name) || i + 1 >= args.length) {
        throw new IllegalArgumentException("Unknown option or missing value: " + args[i] + "; options: " + defaults.keySet());
      }
      options.put(name, args[++i]);
    }
    return options;
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
