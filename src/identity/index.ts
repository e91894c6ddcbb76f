export { type Result, ok, err } from './result.js';
export {
  type WorkerId,
  type WorkerIdError,
  parseWorkerId,
  formatWorkerId,
  maskWorkerId,
  workerIdSchema,
} from './workerId.js';
export { type DeclarationNumberError, parseDeclarationNumber, declarationNumberSchema } from './declarationNumber.js';
export { type ReferenceNumberError, parseReferenceNumber, referenceNumberSchema } from './referenceNumber.js';
export { type PersonNameError, parsePersonName, personNameSchema } from './personName.js';
