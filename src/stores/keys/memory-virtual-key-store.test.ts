import { describeVirtualKeyStoreContract } from './virtual-key-store.contract.js';
import { createMemoryVirtualKeyStore } from './memory-virtual-key-store.js';

describeVirtualKeyStoreContract('memory', async (options) => {
  const store = createMemoryVirtualKeyStore(options);
  return { store, cleanup: () => store.close() };
});
