import { createContext, useContext } from "react";

/** The CSP nonce of this response, for <Scripts> and friends. Empty in the browser. */
export const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
