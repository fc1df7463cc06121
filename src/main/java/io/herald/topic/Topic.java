package io.herald.topic;

import io.herald.criteria.Criteria;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subscription topic as Herald runs it: its canonical {@code url}, its {@code status}, the triggers that fire it
 * and the filters its subscriptions may use. Immutable.
 */
public record Topic(String url, String status, List<Trigger> triggers, List<FilterRule> canFilterBy) {

  /** The interactions a trigger hears when it names none. */
  public static final Set<String> INTERACTIONS = Set.of("create", "update", "delete");

  /**
   * One {@code resourceTrigger}: changes to {@code type} by one of {@code interactions}, where the query criteria
   * hold on the version before ({@code previous}) and the version written ({@code current}).
   *
   * @param previous      criteria on the version before the change, or null (no such test)
   * @param current       criteria on the version the change wrote, or null (no such test)
   * @param createPasses  {@code resultForCreate}: what the previous test gives for a create (there is no version before)
   * @param deletePasses  {@code resultForDelete}: what the current test gives for a delete (there is no version after)
   * @param requireBoth   both tests must pass (else either)
   */
  public record Trigger(String type, Set<String> interactions, Criteria previous, Criteria current,
                        boolean createPasses, boolean deletePasses, boolean requireBoth) {

    /**
     * Whether a change fires this trigger.
     *
     * @param interaction  create, update or delete
     * @param before       the version before the change (plain maps), null for a create
     * @param after        the version the change wrote, for a delete the last version before it
     */
    public boolean fires(String interaction, Map<String, Object> before, Map<String, Object> after) {
      if (!interactions.contains(interaction)) {
        return false;
      }
      if (previous == null && current == null) {
        return true;
      }
      Boolean previousTest = previous == null ? null
          : interaction.equals("create") || before == null ? createPasses : previous.matches(before);
      Boolean currentTest = current == null ? null
          : interaction.equals("delete") ? deletePasses : current.matches(after);
      if (previousTest == null) {
        return currentTest;
      }
      if (currentTest == null) {
        return previousTest;
      }
      return requireBoth ? previousTest && currentTest : previousTest || currentTest;
    }
  }

  /**
   * One {@code canFilterBy}: subscriptions may filter {@code type} (null: any type the topic triggers on) by
   * {@code parameter} with one of {@code modifiers} (R4B's codes: {@code =}, {@code eq}, {@code ne}, ... ,
   * {@code in}, {@code of-type}; {@code =} when none are listed).
   */
  public record FilterRule(String type, String parameter, Set<String> modifiers) {
  }

  /** The types this topic triggers on. */
  public Set<String> types() {
    return Set.copyOf(triggers.stream().map(Trigger::type).toList());
  }

  /** Whether a change to {@code type} fires this topic. */
  public boolean fires(String type, String interaction, Map<String, Object> before, Map<String, Object> after) {
    for (Trigger trigger : triggers) {
      if (trigger.type().equals(type) && trigger.fires(interaction, before, after)) {
        return true;
      }
    }
    return false;
  }
}
