import type { credentialsEn } from './messages-credentials';

/** The words of the credentials page, in Russian (loaded with messages-ru.ts). */
export const credentialsRu: Record<keyof typeof credentialsEn, string> = {
  'nav.credentials': 'Учётные данные',
  'credentials.title': 'Учётные данные для автоматизации',
  'credentials.intro':
    'Учётные данные приложений и ключи EC2 (S3) живут дольше токена: отдайте их скриптам, CI и S3-клиентам вместо своего пароля.',
  'credentials.actions': 'Действия',
  'credentials.cancel': 'Отмена',
  'credentials.delete': 'Удалить',
  'credentials.confirmDelete': 'Удалить',
  'credentials.deleted': 'Удалено. Keystone больше их не принимает.',
  'credentials.creating': 'Создание…',
  'credentials.secretOnce':
    'Секрет показан только сейчас: скопируйте его или скачайте файл. API Access его не хранит, а Keystone больше не покажет.',
  'credentials.revealSecret': 'Показать секрет',
  'credentials.hideSecret': 'Скрыть секрет',
  'credentials.copySecret': 'Копировать секрет',
  'credentials.done': 'Готово, забыть секрет',
  'credentials.fileRefused': '{what}: не создан. {reason}',
  'credentials.refused.not_http_url': 'URL в нём не http(s).',
  'credentials.refused.nul_character': 'Значение в нём содержит символ NUL, который файл не может хранить.',
  'credentials.refused.control_character':
    'Значение в нём содержит кавычку или управляющий символ, которые этот формат файла не может хранить.',
  'credentials.unavailable.forbidden':
    'Это облако не разрешает вам управлять такими учётными данными (Keystone ответил 403 Forbidden).',
  'credentials.unavailable.not_found':
    'Это облако не предоставляет такой API (Keystone ответил 404 Not Found).',
  'credentials.unavailable.not_implemented':
    'В этом облаке такой API не реализован (Keystone ответил 501 Not Implemented).',
  'credentials.unavailable.identity_v2':
    'Учётным данным приложений нужен Keystone v3, а это облако работает с Keystone v2.0.',
  'credentials.unavailable.restricted_application_credential':
    'Вы вошли с ограниченными учётными данными приложения: Keystone не разрешает им ни создавать, ни удалять учётные данные приложений. Войдите с паролем, чтобы создать их.',
  'credentials.app.title': 'Учётные данные приложений',
  'credentials.app.intro':
    'Учётные данные приложения входят в этот проект с частью или всеми вашими ролями, пока не истекут или не будут удалены.',
  'credentials.app.empty': 'Учётных данных приложений пока нет.',
  'credentials.app.name': 'Имя',
  'credentials.app.project': 'Проект',
  'credentials.app.roles': 'Роли',
  'credentials.app.expires': 'Истекает',
  'credentials.app.never': 'никогда',
  'credentials.app.restrictions': 'Ограничения',
  'credentials.app.restricted': 'ограниченные',
  'credentials.app.unrestricted': 'без ограничений',
  'credentials.app.deleteLabel': 'Удалить учётные данные приложения {name}',
  'credentials.app.deleteQuestion':
    'Удалить учётные данные приложения «{name}»? Всё, что их использует, перестанет работать.',
  'credentials.app.new': 'Новые учётные данные приложения',
  'credentials.app.createTitle': 'Новые учётные данные приложения',
  'credentials.app.create': 'Создать учётные данные приложения',
  'credentials.app.created': 'Учётные данные приложения «{name}» созданы',
  'credentials.app.id': 'ID',
  'credentials.app.secret': 'Секрет',
  'credentials.form.name': 'Имя',
  'credentials.form.nameRequired': 'Введите имя.',
  'credentials.form.description': 'Описание (необязательно)',
  'credentials.form.secret': 'Свой секрет (необязательно)',
  'credentials.form.secretHint': 'Оставьте пустым, и Keystone создаст надёжный.',
  'credentials.form.secretShort': 'Не короче 8 символов, или оставьте пустым.',
  'credentials.form.expires': 'Истекает (ваше время, {zone}; необязательно)',
  'credentials.form.expiresUtc': 'Будет отправлено как {time} (UTC).',
  'credentials.form.expiresNever': 'Пусто: не истекает никогда.',
  'credentials.form.expiryPast': 'Выберите время в будущем.',
  'credentials.form.roles': 'Роли',
  'credentials.form.rolesHint': 'Часть ролей вашего текущего токена.',
  'credentials.form.rolesRequired': 'Выберите хотя бы одну роль.',
  'credentials.form.unrestricted': 'Без ограничений',
  'credentials.form.unrestrictedWarning':
    'Учётные данные приложения без ограничений могут создавать и удалять другие учётные данные приложений и доверия: владелец секрета сможет выдать себе долгий доступ от вашего имени. Не включайте, если инструменту это не нужно.',
  'credentials.form.accessRules': 'Правила доступа (необязательно)',
  'credentials.form.accessRulesHint':
    'JSON или YAML: список записей service, method и path. С правилами учётные данные могут делать только эти вызовы API.',
  'credentials.form.rulesSyntax': 'Правила доступа не удаётся прочитать (строка {line}).',
  'credentials.form.rulesShape': 'Правила доступа неверны: {detail}',
  'credentials.download.cloudsYaml': 'Скачать clouds.yaml',
  'credentials.download.openrc': 'Скачать openrc',
  'credentials.download.dotenv': 'Скачать .env',
  'credentials.download.terraform': 'Скачать провайдер Terraform',
  'credentials.download.awsCredentials': 'Скачать AWS credentials',
  'credentials.download.awsConfig': 'Скачать AWS config',
  'credentials.download.rclone': 'Скачать удалённое хранилище rclone',
  'credentials.ec2.title': 'Учётные данные EC2 (ключи S3)',
  'credentials.ec2.intro':
    'Учётные данные EC2 — ключ доступа и секрет для этого проекта, для S3-клиентов, таких как AWS CLI и rclone.',
  'credentials.ec2.empty': 'Учётных данных EC2 для этого проекта пока нет.',
  'credentials.ec2.listLabel': 'Учётные данные EC2 этого проекта',
  'credentials.ec2.access': 'Ключ доступа',
  'credentials.ec2.secret': 'Секретный ключ',
  'credentials.ec2.create': 'Создать учётные данные EC2',
  'credentials.ec2.created': 'Учётные данные EC2 созданы',
  'credentials.ec2.deleteLabel': 'Удалить учётные данные EC2 {access}',
  'credentials.ec2.deleteQuestion':
    'Удалить учётные данные EC2 {access}? Всё, что их использует, перестанет работать.',
  'credentials.ec2.endpoint': 'Конечная точка S3 из каталога: {url}',
  'credentials.ec2.noEndpoint': 'В каталоге нет конечной точки S3: впишите в файлы S3 URL вашего провайдера.',
};
