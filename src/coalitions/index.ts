export { createCoalitionFor, inviteOrganisation, answerCoalitionInvitation, leaveCoalition, setFocalPoints, type MailSettings as CoalitionMail } from './coalitions.commands.js';
export { coalitionsOverview, coalitionPage, type CoalitionPage, type CoalitionSummary, type CoalitionInvitationView, type CoalitionMemberView } from './coalitions.queries.js';
export { notifyFocalPoints, focalPointsOf, type FocalNotice, type FocalPoint } from './focal-points.js';
