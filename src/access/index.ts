export * from './policies/policy.js';
export { Keyring, normaliseForIndex, loadMasterKey, keyFilePath, type MasterKey } from './crypto/index.js';
export type { Ctx } from './context.js';
export { openRuntime, type Runtime } from './runtime.js';
export { createOrganisation, createCoalition, coalitionsOf } from './organisations.js';
export { createUser, membershipsOf } from './users.js';
export { checkOneLineName, isOneLineName } from './names.js';
export { createSession, readSession, updateSession, endSession, endUserSessions, endOrganisationSessions, rotateSession, safeEqual, type SessionRecord } from './sessions.js';
export { checkPassword } from './login.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { passwordProblem } from './password-policy.js';
export { mfaRequired, beginTotpEnrolment, confirmTotpEnrolment, verifySecondFactor, resetTotp } from './totp.js';
export { rotateMasterKey, exportOrganisationKeys, importOrganisationKeys, sealOrganisation, endAllOrganisationSessions } from './key-admin.js';
export {
  roles,
  listMembers,
  addMember,
  setMemberRole,
  removeMember,
  endMemberSessions,
  resetMemberMfa,
  organisationSettings,
  updateOrganisationSettings,
  defaultVisibilityOf,
  type OrganisationSettings,
  setMfaRelaxedForViewers,
  listAudit,
  type Member,
  type AuditRow,
} from './members.js';
export { requestPasswordReset, resetPasswordWithToken } from './password-reset.js';
export { proposeTerm, listProposals, proposalInput, type Proposal } from './vocab-proposals.js';
export { installationAdminExists, createInstallationAdmin, setUpOrganisation, listOrganisations, renameOrganisation, archiveOrganisation, isTimeZone, isInstallationAdmin, type OrganisationSummary } from './installation.js';
export {
  createInvitation,
  inviteMember,
  listInvitations,
  listOpenInvitations,
  revokeInvitation,
  openInvitation,
  acceptAsNewPerson,
  answerInvitation,
  INVITATION_VALID_MS,
  type SentInvitation,
  type PendingInvitation,
  type InvitationView,
} from './invitations.js';
export { changeOwnPassword, type OwnPasswordChange } from './own-password.js';
