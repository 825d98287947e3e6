// The page's CSP forbids eval (decision 0012). zod would probe for it with `new Function`
// before its first object parse — caught, but reported as a CSP violation — and then check
// without compiling anyway. Imported first by main.tsx, so zod never probes.
import { z } from 'zod';

z.config({ jitless: true });
