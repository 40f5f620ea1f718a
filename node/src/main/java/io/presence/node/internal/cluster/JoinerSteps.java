package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.internal.cluster.Joiner;
import com.hazelcast.internal.cluster.impl.SplitBrainJoinMessage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collection;

/**
 * The steps of Hazelcast's TCP-IP joiner that its split-brain search takes and that it keeps to
 * itself, reached by reflection for {@link MergeSearch}: the addresses to ask, one question (the
 * answer is the other side's own join message), and a merge of a whole side of several. Internal
 * to Hazelcast: checked on each upgrade ({@link #reachable}).
 */
final class JoinerSteps {

    private final Joiner joiner;
    private final Method possibleAddresses;
    private final Method ask;
    private final Method mergeSide;

    /** Throws when {@code joiner} is missing or lacks one of the steps (another joiner, another Hazelcast version). */
    JoinerSteps(Joiner joiner) throws NoSuchMethodException {
        if (joiner == null) {
            throw new IllegalStateException("no joiner");
        }
        this.joiner = joiner;
        this.possibleAddresses = declared(joiner.getClass(), "getPossibleAddresses");
        this.ask = declared(joiner.getClass(), "sendSplitBrainJoinMessage", Address.class, SplitBrainJoinMessage.class);
        this.mergeSide = declared(joiner.getClass(), "startClusterMerge", Address.class, int.class);
    }

    /** Whether a joiner of {@code type} has every step. */
    static boolean reachable(Class<? extends Joiner> type) {
        try {
            declared(type, "getPossibleAddresses");
            declared(type, "sendSplitBrainJoinMessage", Address.class, SplitBrainJoinMessage.class);
            declared(type, "startClusterMerge", Address.class, int.class);
            return true;
        } catch (NoSuchMethodException | RuntimeException e) {
            return false;
        }
    }

    /** The addresses of the member list, this member's and its side's included. */
    @SuppressWarnings("unchecked")
    Collection<Address> possibleAddresses() throws ReflectiveOperationException {
        return (Collection<Address>) call(possibleAddresses);
    }

    /** Puts {@code question} to {@code address}: the other side's own join message, or null when it gave none in time. */
    SplitBrainJoinMessage ask(Address address, SplitBrainJoinMessage question) throws ReflectiveOperationException {
        return (SplitBrainJoinMessage) call(ask, address, question);
    }

    /** Freezes this side of several and tells every member of it to merge into the cluster at {@code address}. */
    void mergeSide(Address address, int memberListVersion) throws ReflectiveOperationException {
        joiner.setTargetAddress(address);
        call(mergeSide, address, memberListVersion);
    }

    private Object call(Method method, Object... arguments) throws ReflectiveOperationException {
        try {
            return method.invoke(joiner, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** {@code name} as declared on {@code type} or the first of its superclasses that declares it, made callable. */
    private static Method declared(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method method = c.getDeclaredMethod(name, parameters);
                method.setAccessible(true);
                return method;
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }
}
