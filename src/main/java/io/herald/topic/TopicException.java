package io.herald.topic;

/** A topic, or a subscription's use of one, that Herald cannot run; the message names what is wrong. */
public final class TopicException extends RuntimeException {

  public TopicException(String message) {
    super(message);
  }
}
