import { ActionTypes, type Activity, CardFactory, type CardAction, type TurnContext } from 'botbuilder';

/** Teams renders Adaptive Cards up to schema 1.5. */
const TEAMS_CARD_VERSION = '1.5';

/**
 * A button that opens a URL (the contact form, `tel:` to call the contact centre) stays one:
 * Action.OpenUrl. Teams opens tel: from it on its mobile apps; its desktop and web clients may
 * ignore it (microsoft/AdaptiveCards#3905), which is why the number is also in the text, as a
 * link, and in the button's label.
 */
function cardActionOf(action: CardAction): Record<string, unknown> {
  if (action.type === ActionTypes.OpenUrl) return { type: 'Action.OpenUrl', title: action.title, url: String(action.value) };
  return { type: 'Action.Submit', title: action.title, data: { msteams: { type: 'imBack', value: String(action.value ?? action.title) } } };
}

/**
 * In Teams, suggested actions show only in personal chats and vanish after the next message;
 * in channels and group chats they do not show at all. So there, every set of buttons becomes
 * an Adaptive Card whose buttons send their label as a typed message (`imBack`): a click and
 * typed text go through exactly the same recognition.
 */
export function asTeamsCard(activity: Partial<Activity>): Partial<Activity> {
  const actions = activity.suggestedActions?.actions ?? [];
  if (actions.length === 0) return activity;
  const { suggestedActions: _dropped, ...rest } = activity;
  const card = CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: TEAMS_CARD_VERSION,
    body: [],
    actions: actions.map(cardActionOf),
  });
  return { ...rest, attachments: [...(activity.attachments ?? []), card] };
}

/** Installs the conversion for this turn's outgoing activities when the channel is Teams. */
export function useTeamsCards(context: TurnContext): void {
  if (context.activity.channelId !== 'msteams') return;
  context.onSendActivities(async (_ctx, activities, next) => {
    activities.splice(0, activities.length, ...activities.map(asTeamsCard));
    return next();
  });
}
