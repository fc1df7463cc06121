package io.herald;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Herald's log line: time, the node it comes from, level, logger, message (and a stack trace). The node is
 * {@value #PROPERTY} (set at start-up to {@code host:httpPort}), so the lines of a cluster's nodes can be told apart
 * when they are gathered in one place.
 */
public final class NodeLogFormatter extends Formatter {

  /** The system property naming this node in every line. */
  public static final String PROPERTY = "herald.node";

  @Override
  public String format(LogRecord record) {
    String thrown = "";
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      try (PrintWriter out = new PrintWriter(trace)) {
        out.println();
        record.getThrown().printStackTrace(out);
      }
      thrown = trace.toString();
    }
    return String.format("%1$tF %1$tT.%1$tL [%2$s] %3$-7s %4$s - %5$s%6$s%n",
        ZonedDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault()), System.getProperty(PROPERTY, "-"),
        record.getLevel().getLocalizedName(), record.getLoggerName(), formatMessage(record), thrown);
  }
}
