/** On a board the global `device` (Moddable's host provider) serves: nothing to add. */
const provider: undefined = undefined;
export default provider;
