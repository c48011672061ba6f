package io.camelmcp.gateway.registration;

/** The in-memory registration store under the contract every store passes. */
class InMemoryRegistrationStoreTest extends RegistrationStoreContract {

    @Override
    protected RegistrationStore newStore() {
        return new InMemoryRegistrationStore();
    }
}
